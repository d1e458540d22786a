using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Redaction;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// Settings › Redaction: the built-in detectors and custom patterns of the project, a preview on a sample text, and
/// saving, which is refused with each field's reason. Until accounts exist the page shows the first project.
/// </summary>
public sealed partial class Redaction : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private readonly HashSet<string> _detectors = new(StringComparer.Ordinal);
    private readonly List<PatternRow> _patterns = [];
    private IReadOnlyList<FieldError> _errors = [];
    private string? _projectId;
    private string? _notice;
    private string? _sample;
    private string? _previewText;
    private bool _interactive;
    private bool _busy;

    [Inject]
    private RedactionSettingsService Settings { get; set; } = default!;

    [Inject]
    private CurrentProject Project { get; set; } = default!;

    [Inject]
    private AuditActor Actor { get; set; } = default!;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        _projectId = await Project.GetIdAsync(_disposed.Token);
        if (_projectId is null)
        {
            return;
        }

        var view = await Settings.GetAsync(_projectId, _disposed.Token);
        _detectors.UnionWith(view.Detectors);
        _patterns.AddRange(view.Patterns.Select(p => new PatternRow { Name = p.Name, Pattern = p.Pattern }));
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private static string DetectorLabel(string kind) => kind switch
    {
        BuiltInDetectors.Email => "Email addresses",
        BuiltInDetectors.Phone => "Phone numbers",
        BuiltInDetectors.Card => "Card numbers (Luhn-checked)",
        BuiltInDetectors.Iban => "IBANs (checksum-checked)",
        BuiltInDetectors.Ip => "IP addresses",
        _ => kind,
    };

    private void Toggle(string kind, bool on)
    {
        if (on)
        {
            _detectors.Add(kind);
        }
        else
        {
            _detectors.Remove(kind);
        }
    }

    private void AddPattern() => _patterns.Add(new PatternRow());

    private RedactionSettingsRequest Request() => new(
        [.. BuiltInDetectors.All.Where(_detectors.Contains)],
        [.. _patterns.Select(p => new RedactionPatternDraft(p.Name, p.Pattern))]);

    private void Preview()
    {
        _notice = null;
        var (text, _, errors) = RedactionSettingsService.Preview(Request(), _sample ?? string.Empty);
        _errors = errors;
        _previewText = text;
    }

    private async Task SaveAsync()
    {
        await Project.RequireAsync(ProjectRole.Admin, CancellationToken.None);
        if (_projectId is null)
        {
            return;
        }

        _busy = true;
        try
        {
            var (view, errors) = await Settings.SetAsync(_projectId, Request(), _disposed.Token);
            _errors = errors;
            _notice = view is null ? null : "Saved: spans that arrive from now on are redacted with these settings.";
            if (view is not null)
            {
                // Pattern names only: a pattern's text can spell out the very data it hides.
                await Actor.RecordAsync(
                    _projectId,
                    AuditActions.RedactionChanged,
                    null,
                    new { detectors = view.Detectors, patterns = view.Patterns.Select(p => p.Name).ToList() },
                    CancellationToken.None);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private sealed class PatternRow
    {
        public string? Name { get; set; }

        public string? Pattern { get; set; }
    }
}
