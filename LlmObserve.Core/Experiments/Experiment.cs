namespace LlmObserve.Core.Experiments;

/// <summary>
/// One run of a dataset version: through a model with a prompt template, or over outputs the caller uploaded; every
/// item scored by the chosen evaluators. Runs in the background; <see cref="Completed"/> of <see cref="Total"/> shows
/// how far it got.
/// </summary>
public sealed class Experiment
{
    /// <summary>"ex-" and 12 hex characters.</summary>
    public required string Id { get; set; }

    public required string ProjectId { get; set; }

    public required string Name { get; set; }

    public required string DatasetId { get; set; }

    /// <summary>The dataset version whose items the run read.</summary>
    public int DatasetVersion { get; set; }

    /// <summary>One of <see cref="ExperimentModes"/>.</summary>
    public required string Mode { get; set; }

    /// <summary>The endpoint (Settings, judge endpoints) the model is asked through, in model mode.</summary>
    public long? EndpointId { get; set; }

    /// <summary>The model or Azure deployment; null for the endpoint's own.</summary>
    public string? Model { get; set; }

    /// <summary>The system message sent before the prompt; null for none.</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>The user message, with <c>{input}</c> and <c>{context}</c> filled from each item.</summary>
    public string? PromptTemplate { get; set; }

    public double? Temperature { get; set; }

    public int? MaxTokens { get; set; }

    /// <summary>The evaluators asked for, a JSON array of names (see <see cref="ExperimentEvaluators"/>).</summary>
    public required string EvaluatorsJson { get; set; }

    /// <summary>One of <see cref="ExperimentStatus"/>.</summary>
    public required string Status { get; set; }

    public int Total { get; set; }

    public int Completed { get; set; }

    /// <summary>Why the whole run failed (its endpoint was deleted …); item failures stay on their results.</summary>
    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>What one dataset item gave in an experiment: the output, its scores, or why there is none.</summary>
public sealed class ExperimentResult
{
    public long Id { get; set; }

    public required string ExperimentId { get; set; }

    /// <summary>The dataset item's stable id, by which two runs are compared.</summary>
    public required string ItemId { get; set; }

    /// <summary>The dataset item revision that was run.</summary>
    public long ItemRevision { get; set; }

    public int Position { get; set; }

    /// <summary>The model's answer, or the uploaded output.</summary>
    public string? Output { get; set; }

    /// <summary>Why the item has no output (the model call failed).</summary>
    public string? Error { get; set; }

    public double? LatencyMs { get; set; }

    /// <summary>The scores as a JSON array of <see cref="ExperimentScore"/>; null until the item is done.</summary>
    public string? ScoresJson { get; set; }

    public bool Done { get; set; }
}

/// <summary>One evaluator's verdict on one item: a score, or why it skipped.</summary>
public sealed record ExperimentScore(string Name, double? Value, string? Label, string? Explanation);

public static class ExperimentModes
{
    /// <summary>Each item's prompt is sent to a model and its answer scored.</summary>
    public const string Model = "model";

    /// <summary>The caller uploaded an output per item; only the scoring runs.</summary>
    public const string Outputs = "outputs";
}

public static class ExperimentStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsFinal(string status) => status is Completed or Failed;
}
