using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Core.Evaluation.Evaluators;

/// <summary>An evaluator as someone wants it saved; checked in full by <see cref="EvaluatorService"/>.</summary>
public sealed record EvaluatorDraft
{
    public string? Name { get; init; }

    /// <summary>One of <see cref="EvaluatorKinds.All"/>.</summary>
    public string? Kind { get; init; }

    /// <summary>One of <see cref="EvaluatorTargets.All"/>; empty for the trace.</summary>
    public string? Target { get; init; }

    /// <summary>The filter as the trace list's query string, kept to show and link to.</summary>
    public string FilterQuery { get; init; } = string.Empty;

    /// <summary>The same filter, parsed (the host parses the trace list's query syntax).</summary>
    public TraceFilter Filter { get; init; } = TraceFilter.None;

    public double SamplingRate { get; init; } = 1;

    public bool Enabled { get; init; } = true;

    /// <summary>The judge's settings; only for <see cref="EvaluatorKinds.Judge"/>.</summary>
    public JudgeSettingsDraft? Judge { get; init; }
}

/// <summary>What a judge evaluator asks, of which endpoint, and how much it may spend a day.</summary>
public sealed record JudgeSettingsDraft
{
    public long? EndpointId { get; init; }

    /// <summary>A built-in template's name (<see cref="JudgeTemplates.BuiltIn"/>) or "custom".</summary>
    public string? Template { get; init; }

    /// <summary>The prompt of a custom template.</summary>
    public string? Prompt { get; init; }

    /// <summary>Labels of a custom template; none for a score only.</summary>
    public IReadOnlyList<JudgeLabel>? Labels { get; init; }

    /// <summary>A model or deployment other than the endpoint's own.</summary>
    public string? Model { get; init; }

    public double? Temperature { get; init; }

    public long? MaxTokensPerDay { get; init; }

    public decimal? MaxCostPerDay { get; init; }
}

/// <summary>The result of saving an evaluator: the evaluator, or every reason it was refused.</summary>
/// <param name="Evaluator">The evaluator as stored; null when refused or not found.</param>
/// <param name="Errors">Each reason, naming its field.</param>
/// <param name="NewVersion">True when the save started a new version.</param>
/// <param name="NotFound">True when there is no such evaluator in the project.</param>
public sealed record EvaluatorSaveResult(
    EvaluatorView? Evaluator,
    IReadOnlyList<FieldError> Errors,
    bool NewVersion = false,
    bool NotFound = false);

/// <summary>An evaluator with its current settings and state.</summary>
public sealed record EvaluatorView(
    string Id,
    string Name,
    string Kind,
    string Target,
    string Filter,
    double SamplingRate,
    bool Enabled,
    int Version,
    JudgeSettingsView? Judge,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    EvaluatorStatus Status)
{
    /// <summary>An offline evaluator's method under this version (e.g. "offline-2"); null for a judge.</summary>
    public string? Method { get; init; }
}

/// <summary>The judge settings of an evaluator's current version.</summary>
public sealed record JudgeSettingsView(
    long? EndpointId,
    string? EndpointName,
    string Template,
    string? Prompt,
    IReadOnlyList<JudgeLabel> Labels,
    string? Model,
    double? Temperature,
    long? MaxTokensPerDay,
    decimal? MaxCostPerDay);

/// <summary>The states an evaluator can be in, as the API and the page name them.</summary>
public static class EvaluatorStates
{
    public const string Active = "active";
    public const string Disabled = "disabled";
    public const string Misconfigured = "misconfigured";
    public const string BudgetReached = "budget_reached";
    public const string RateLimited = "rate_limited";
}

/// <summary>
/// Where an evaluator stands: its state, its current version's evaluations counted per state, and the last error.
/// </summary>
public sealed record EvaluatorStatus(
    string State,
    IReadOnlyDictionary<string, int> Counts,
    string? LastError,
    DateTimeOffset? RateLimitedUntil,
    JudgeBudgetStatus? Budget);

/// <summary>Today's (UTC) judge spend of an evaluator against its caps.</summary>
public sealed record JudgeBudgetStatus(
    string Day,
    long Tokens,
    double Cost,
    int Calls,
    long? MaxTokensPerDay,
    decimal? MaxCostPerDay,
    bool Reached,
    string? Reason);

/// <summary>An evaluation that did not score, for the status's list of recent errors.</summary>
public sealed record EvaluationRunError(
    string TraceId,
    string Status,
    string Error,
    int Attempts,
    string? RawReply,
    DateTimeOffset? At);

/// <summary>How many evaluations were skipped for one reason.</summary>
public sealed record SkipReasonCount(string Reason, int Count);

/// <summary>A backfill and how far it got.</summary>
public sealed record BackfillView(
    long Id,
    int Version,
    DateTimeOffset From,
    DateTimeOffset To,
    int Claimed,
    DateTimeOffset RequestedAt,
    DateTimeOffset? CompletedAt);

/// <summary>The full status of one evaluator: its summary, recent errors, skip reasons and backfills.</summary>
public sealed record EvaluatorStatusDetail(
    string EvaluatorId,
    string Name,
    int Version,
    bool Enabled,
    EvaluatorStatus Status,
    IReadOnlyList<EvaluationRunError> RecentErrors,
    IReadOnlyList<SkipReasonCount> SkipReasons,
    IReadOnlyList<BackfillView> Backfills);
