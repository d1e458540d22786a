namespace LlmObserve.Core.Evaluation.Evaluators;

/// <summary>
/// A configured evaluation of production traffic: what it scores (its kind and target), which traces (a trace-list
/// filter and a sampling rate) and whether it runs. What decides a score (template, judge, model, caps) lives in its
/// versions; <see cref="CurrentVersion"/> names the one that runs.
/// </summary>
public sealed class Evaluator
{
    /// <summary>"ev-" and 12 hex characters.</summary>
    public required string Id { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>The name of the scores it writes; unique in its project.</summary>
    public required string Name { get; set; }

    /// <summary>
    /// An offline evaluator's name (<see cref="EvaluatorKinds.Offline"/>) or <see cref="EvaluatorKinds.Judge"/>.
    /// </summary>
    public required string Kind { get; set; }

    /// <summary>The target of the current version, copied here for lists: "trace" or a span type.</summary>
    public required string Target { get; set; }

    /// <summary>
    /// The trace-list query string that picks the traces (e.g. <c>environment=production&amp;tag=rag</c>).
    /// </summary>
    public string FilterQuery { get; set; } = string.Empty;

    /// <summary>The same filter as the store's <see cref="Traces.Queries.TraceFilter"/>, as JSON.</summary>
    public string? FilterJson { get; set; }

    /// <summary>Share of matching traces scored, 0 to 1, chosen by a stable hash of the trace id.</summary>
    public double SamplingRate { get; set; } = 1;

    public bool Enabled { get; set; } = true;

    /// <summary>The version that scores new traces.</summary>
    public int CurrentVersion { get; set; } = 1;

    /// <summary>
    /// Traces stored with a row id at or below this were looked at for the current version (claimed, or left out by
    /// filter or sampling). Set to the newest trace when a version starts, so a version scores traffic from then on
    /// and older traces only through a backfill.
    /// </summary>
    public long LiveCursorRowId { get; set; }

    /// <summary>Until when the judge endpoint asked to be left alone; null when it did not.</summary>
    public DateTimeOffset? RateLimitedUntil { get; set; }

    /// <summary>
    /// Why the evaluator cannot run at all (its endpoint was deleted, its key cannot be read), if so.
    /// </summary>
    public string? ConfigurationError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// The settings of one version of an evaluator, never changed once written: a change of template, judge, model,
/// target or caps writes a new version, so a score always says which settings made it.
/// </summary>
public sealed class EvaluatorVersion
{
    public long Id { get; set; }

    public required string EvaluatorId { get; set; }

    /// <summary>1, 2, 3… per evaluator.</summary>
    public int Version { get; set; }

    /// <summary>"trace" or a span type (<see cref="Traces.SpanType"/>).</summary>
    public required string Target { get; set; }

    /// <summary>
    /// For an offline evaluator, the version of its method that scores under these settings (e.g. "offline-2"); a
    /// release with a new method starts a new version. Null for a judge.
    /// </summary>
    public string? Method { get; set; }

    /// <summary>For a judge: a built-in template's name or <see cref="EvaluatorKinds.CustomTemplate"/>.</summary>
    public string? TemplateName { get; set; }

    /// <summary>For a custom template: the prompt with its {{variables}}.</summary>
    public string? Prompt { get; set; }

    /// <summary>For a custom template: its labels as JSON (<c>[{"name":"good","score":1}]</c>), if any.</summary>
    public string? LabelsJson { get; set; }

    /// <summary>The judge endpoint asked, for a judge.</summary>
    public long? JudgeEndpointId { get; set; }

    /// <summary>The judge model or Azure deployment; null for the endpoint's own.</summary>
    public string? Model { get; set; }

    /// <summary>Sampling temperature asked of the judge; null for 0.</summary>
    public double? Temperature { get; set; }

    /// <summary>Daily cap of judge tokens (prompt and completion, as the judge reported them), per UTC day.</summary>
    public long? MaxTokensPerDay { get; set; }

    /// <summary>Daily cap of judge cost, priced with the endpoint's prices, per UTC day.</summary>
    public decimal? MaxCostPerDay { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The kinds of evaluator: the offline ones by name, and the LLM judge.</summary>
public static class EvaluatorKinds
{
    public const string Judge = "judge";
    public const string Groundedness = "groundedness";
    public const string AnswerRelevance = "answer_relevance";
    public const string Refusal = "refusal";
    public const string Pii = "pii";
    public const string Language = "language";

    /// <summary>The template name of a judge whose prompt is written by the user.</summary>
    public const string CustomTemplate = "custom";

    /// <summary>The offline evaluators, in the order they are created by default.</summary>
    public static IReadOnlyList<string> Offline { get; } = [Groundedness, AnswerRelevance, Refusal, Pii, Language];

    public static IReadOnlyList<string> All { get; } = [.. Offline, Judge];

    public static bool IsOffline(string kind) => Offline.Contains(kind, StringComparer.Ordinal);
}

/// <summary>What an evaluator reads: the trace as a whole, or its last span of a type.</summary>
public static class EvaluatorTargets
{
    public const string Trace = "trace";

    /// <summary>"trace" and every span type.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Trace, .. Traces.SpanType.All.Order(StringComparer.Ordinal),
    ];
}
