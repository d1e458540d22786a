using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Traces;

/// <summary>One trace: its header, the span tree, and the span selected in the URL (<c>?span=</c>).</summary>
public sealed partial class TraceView : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private string? _loadedTraceId;
    private bool _loaded;
    private SpanDetail? _selected;
    private SpanDetail? _selectedFull;

    [Inject]
    private TraceDetailViewModel Model { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public string TraceId { get; set; } = string.Empty;

    [SupplyParameterFromQuery(Name = "span")]
    public string? SpanId { get; set; }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        // Selecting a span changes only the query; the trace is loaded again only for another trace id.
        if (!string.Equals(_loadedTraceId, TraceId, StringComparison.Ordinal))
        {
            _loadedTraceId = TraceId;
            await Model.LoadAsync(TraceId, _disposed.Token);
            _loaded = true;
            _selectedFull = null;
        }

        _selected = Model.SelectSpan(SpanId);

        // Only the selected span's large fields are fetched, so opening a huge trace stays light.
        if (_selected is { } selected && _selectedFull?.SpanId != selected.SpanId)
        {
            _selectedFull = await Model.LoadSpanAsync(selected.SpanId, _disposed.Token) ?? selected;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && await TimeZone.ResolveAsync(JS))
        {
            StateHasChanged();
        }
    }

    private void SelectSpan(string spanId)
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("span", spanId), replace: true);

    private static string SessionHref(string sessionId) => PageLinks.Session(sessionId);

    private static string UserHref(string userId) => PageLinks.User(userId);
}
