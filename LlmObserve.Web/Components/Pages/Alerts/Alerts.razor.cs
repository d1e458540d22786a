using System.Globalization;
using LlmObserve.Core;
using LlmObserve.Core.Alerts;
using LlmObserve.Web.Alerts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Alerts;

/// <summary>
/// The Alerts page: rules with their state and last value, channels with "send test", and the forms of both.
/// </summary>
public sealed partial class Alerts : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private bool _interactive;
    private bool _saving;

    [Inject]
    private AlertsViewModel Model { get; set; } = default!;

    [Inject]
    private LlmObserveOptions Options { get; set; } = default!;

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    internal static string Number(double? value)
        => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "–";

    internal static Color LevelColor(string level) => level switch
    {
        AlertLevel.Critical => Color.Error,
        AlertLevel.Warning => Color.Warning,
        _ => Color.Success,
    };

    protected override async Task OnInitializedAsync() => await Model.LoadAsync(false, _disposed.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private static string Condition(AlertRuleView rule)
    {
        var thresholds = new List<string>();
        if (rule.WarningThreshold is { } warning)
        {
            thresholds.Add("warning " + Number(warning));
        }

        if (rule.CriticalThreshold is { } critical)
        {
            thresholds.Add("critical " + Number(critical));
        }

        return $"{rule.Metric} {rule.Direction} {string.Join(" / ", thresholds)} over {rule.WindowMinutes} min, "
            + $"≥ {rule.MinSamples} samples, cooldown {rule.CooldownMinutes} min";
    }

    private string Filter(AlertRuleView rule)
    {
        if (rule.DriftMonitorId is { } monitorId)
        {
            var name = Model.DriftMonitors.FirstOrDefault(m => m.Id == monitorId)?.Name ?? monitorId;
            return "monitor " + name + (rule.DriftFeature is null ? string.Empty : ", feature " + rule.DriftFeature);
        }

        var parts = new[]
        {
            rule.Environment is null ? null : "env " + rule.Environment,
            rule.Model is null ? null : "model " + rule.Model,
            rule.ScoreName is null ? null : "score " + rule.ScoreName,
            rule.EvaluatorId is null ? null : "evaluator " + rule.EvaluatorId,
        };
        var shown = string.Join(", ", parts.Where(p => p is not null));
        return shown.Length == 0 ? "all traffic" : shown;
    }

    private static string? Target(AlertChannelView channel) => channel.Kind == AlertChannelKind.Email
        ? $"{channel.EmailTo} via {channel.SmtpHost}:{channel.SmtpPort}"
        : channel.MaskedUrl;

    /// <summary>An edited channel's URL field starts empty: the stored address is a secret, kept when empty.</summary>
    private static string UrlLabel(AlertChannelForm form)
        => form.MaskedUrl is null ? "URL (http or https)" : "URL (kept when empty)";

    private static string? UrlHelp(AlertChannelForm form) => form.MaskedUrl is null ? null : "Now " + form.MaskedUrl;

    private bool Has(string field) => Model.ErrorText(field) is not null;

    private async Task SaveRuleAsync()
    {
        _saving = true;
        try
        {
            await Model.SaveRuleAsync(_disposed.Token);
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task SaveChannelAsync()
    {
        _saving = true;
        try
        {
            await Model.SaveChannelAsync(_disposed.Token);
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task SendTestAsync(long id)
    {
        _saving = true;
        try
        {
            await Model.SendTestAsync(id, _disposed.Token);
        }
        finally
        {
            _saving = false;
        }
    }
}
