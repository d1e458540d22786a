using LlmObserve.Core.Accounts;
using LlmObserve.Core.Annotation;
using LlmObserve.Web.Annotation;
using LlmObserve.Web.Projects;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Annotation;

/// <summary>
/// The reviewer's workflow on one queue: the next item under a lease, its input, context and output, a value per
/// score configuration picked with keys 1–9, Enter to save and again for the next item, S to skip, B and N to move
/// through what they labelled before. The evaluators' verdicts appear only once the item is labelled.
/// </summary>
public sealed partial class ReviewQueue : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fieldErrors = new(StringComparer.Ordinal);
    private AnnotationQueueView? _queue;
    private IReadOnlyList<ScoreConfigView> _configs = [];
    private AnnotationItemView? _item;
    private ReviewerProgress? _progress;
    private Reviewer? _reviewer;
    private string? _projectId;
    private string? _message;
    private IReadOnlyList<long> _history = [];

    // Where the reviewer is in their history when they went back; null on a fresh item.
    private int? _historyIndex;
    private bool _saved;
    private bool _loaded;
    private bool _interactive;
    private bool _busy;
    private DotNetObjectReference<ReviewQueue>? _self;
    private IJSObjectReference? _keys;

    [Parameter]
    public string QueueId { get; set; } = string.Empty;

    [Inject]
    private AnnotationService Service { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private ReviewerIdentity Identity { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    /// <summary>The first score without a value: what the number keys set.</summary>
    private int ActiveIndex
    {
        get
        {
            for (var i = 0; i < _configs.Count; i++)
            {
                if (_configs[i].Kind != ScoreConfigKinds.Text && string.IsNullOrWhiteSpace(Value(_configs[i].Name)))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    private string ScoreClass(int index)
        => index == ActiveIndex && !_saved ? "review-score review-score--active" : "review-score";

    private bool CanGoBack => _historyIndex is { } index ? index > 0 : _history.Count > 0;

    public async ValueTask DisposeAsync()
    {
        if (_keys is not null)
        {
            try
            {
                await _keys.InvokeVoidAsync("dispose");
                await _keys.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The browser is gone; its listener went with it.
            }
        }

        _self?.Dispose();
    }

    /// <summary>A shortcut pressed anywhere on the page outside a text field.</summary>
    [JSInvokable]
    public async Task OnKey(string key)
    {
        if (_busy || _item is null && key is not ("b" or "ArrowLeft"))
        {
            return;
        }

        switch (key)
        {
            case "Enter" when _saved:
                await NextAsync();
                break;
            case "Enter":
                await SubmitAsync();
                break;
            case "s":
                await SkipAsync();
                break;
            case "b" or "ArrowLeft":
                await BackAsync();
                break;
            case "n" or "ArrowRight":
                await ForwardAsync();
                break;
            default:
                Pick(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }

        StateHasChanged();
    }

    protected override async Task OnParametersSetAsync()
    {
        _projectId = await Project.GetIdAsync(CancellationToken.None);
        _queue = _projectId is null ? null : await Service.GetAsync(_projectId, QueueId, CancellationToken.None);
        _configs = _queue?.ScoreConfigs ?? [];
        _loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || _queue is null)
        {
            return;
        }

        await TimeZone.ResolveAsync(JS);
        _reviewer = await Identity.GetAsync();
        _self = DotNetObjectReference.Create(this);
        _keys = await JS.InvokeAsync<IJSObjectReference>("llmObserveAnnotationKeys.attach", _self);
        _interactive = true;
        if (_reviewer is not null)
        {
            await NextAsync();
        }

        StateHasChanged();
    }

    private RenderFragment ChoiceButton(string score, string value, string text) => builder =>
    {
        var chosen = Value(score) == value;
        builder.OpenComponent<MudButton>(0);
        builder.AddAttribute(1, nameof(MudButton.Variant), chosen ? Variant.Filled : Variant.Outlined);
        builder.AddAttribute(2, nameof(MudButton.Color), chosen ? Color.Primary : Color.Default);
        builder.AddAttribute(3, nameof(MudButton.Size), Size.Small);
        builder.AddAttribute(4, nameof(MudButton.Class), "mr-1 mb-1");
        builder.AddAttribute(
            5,
            nameof(MudButton.OnClick),
            EventCallback.Factory.Create<MouseEventArgs>(this, () => SetValue(score, value)));
        builder.AddAttribute(6, "data-testid", "review-choice");
        builder.AddAttribute(7, "data-chosen", chosen ? "true" : "false");
        builder.AddAttribute(8, nameof(MudButton.ChildContent), (RenderFragment)(b => b.AddContent(0, text)));
        builder.CloseComponent();
    };

    private string? Value(string score) => _values.GetValueOrDefault(score);

    private void SetValue(string score, string? value)
    {
        _values[score] = value;
        _fieldErrors.Remove(score);
    }

    private void Pick(int number)
    {
        var index = ActiveIndex;
        if (_saved || index < 0)
        {
            return;
        }

        var config = _configs[index];
        switch (config.Kind)
        {
            case ScoreConfigKinds.Boolean when number is 1 or 2:
                SetValue(config.Name, number == 1 ? "true" : "false");
                break;
            case ScoreConfigKinds.Categorical when number <= config.Labels.Count:
                SetValue(config.Name, config.Labels[number - 1]);
                break;
            case ScoreConfigKinds.Numeric when number >= config.Min && number <= config.Max:
                SetValue(config.Name, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private async Task NextAsync()
    {
        await Project.RequireAsync(ProjectRole.Reviewer, CancellationToken.None);
        if (_historyIndex is { } index && index + 1 < _history.Count)
        {
            await ForwardAsync();
            return;
        }

        await RunAsync(async () =>
        {
            _historyIndex = null;
            Show(await Service.NextAsync(_projectId!, QueueId, _reviewer!, CancellationToken.None));
        });
    }

    private async Task SubmitAsync()
    {
        await Project.RequireAsync(ProjectRole.Reviewer, CancellationToken.None);
        if (_item is null || _saved)
        {
            return;
        }

        await RunAsync(async () =>
        {
            var result = await Service.SubmitAsync(
                _projectId!,
                QueueId,
                _item.ItemId,
                _reviewer!,
                _values,
                CancellationToken.None);
            if (result.Conflict is { } conflict)
            {
                _message = conflict;
                return;
            }

            if (!result.Saved)
            {
                foreach (var error in result.Errors)
                {
                    _fieldErrors[error.Field] = error.Message;
                }

                return;
            }

            var shown = await Service.GetItemAsync(
                _projectId!,
                QueueId,
                _item.ItemId,
                _reviewer!,
                CancellationToken.None);
            _history = await Service.LabelledItemsAsync(QueueId, _reviewer!, CancellationToken.None);
            Show(shown, keepMessage: false);
            _saved = true;
        });
    }

    private async Task SkipAsync()
    {
        await Project.RequireAsync(ProjectRole.Reviewer, CancellationToken.None);
        if (_item is null || _item.Labelled)
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Service.SkipAsync(_projectId!, QueueId, _item.ItemId, _reviewer!, CancellationToken.None);
            _historyIndex = null;
            Show(await Service.NextAsync(_projectId!, QueueId, _reviewer!, CancellationToken.None));
        });
    }

    private async Task BackAsync()
    {
        if (!CanGoBack)
        {
            return;
        }

        await RunAsync(async () =>
        {
            _history = await Service.LabelledItemsAsync(QueueId, _reviewer!, CancellationToken.None);
            var current = _item is null ? -1 : _history.ToList().IndexOf(_item.ItemId);
            var index = current > 0 ? current - 1 : current == 0 ? 0 : _history.Count - 1;
            _historyIndex = index;
            await ShowLabelledAsync(_history[index]);
        });
    }

    private async Task ForwardAsync()
    {
        if (_historyIndex is not { } index)
        {
            return;
        }

        if (index + 1 >= _history.Count)
        {
            _historyIndex = null;
            await RunAsync(async ()
                => Show(await Service.NextAsync(_projectId!, QueueId, _reviewer!, CancellationToken.None)));
            return;
        }

        await RunAsync(async () =>
        {
            _historyIndex = index + 1;
            await ShowLabelledAsync(_history[index + 1]);
        });
    }

    private async Task ShowLabelledAsync(long itemId)
    {
        var item = await Service.GetItemAsync(_projectId!, QueueId, itemId, _reviewer!, CancellationToken.None);
        Show(item);

        // An item labelled before opens editable: saving it again replaces the earlier labels.
        _saved = false;
    }

    private void Show(AnnotationItemView? item, bool keepMessage = false)
    {
        _item = item;
        _saved = item?.Labelled == true;
        _values.Clear();
        _fieldErrors.Clear();
        if (!keepMessage)
        {
            _message = null;
        }

        foreach (var (name, value) in item?.MyLabels ?? new Dictionary<string, string>())
        {
            _values[name] = value;
        }
    }

    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        try
        {
            await action();
            _progress = await Service.ProgressAsync(_projectId!, QueueId, _reviewer!, CancellationToken.None);
            if (_history.Count == 0)
            {
                _history = await Service.LabelledItemsAsync(QueueId, _reviewer!, CancellationToken.None);
            }
        }
        finally
        {
            _busy = false;
        }
    }
}
