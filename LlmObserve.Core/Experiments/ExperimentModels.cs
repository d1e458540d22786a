namespace LlmObserve.Core.Experiments;

/// <summary>An experiment as someone asks for it.</summary>
public sealed record ExperimentDraft
{
    public string? Name { get; init; }

    public string? DatasetId { get; init; }

    /// <summary>The dataset version to run; null for the current one.</summary>
    public int? DatasetVersion { get; init; }

    /// <summary>The judge endpoint that serves the model; with <see cref="Outputs"/> none is needed.</summary>
    public long? EndpointId { get; init; }

    public string? Model { get; init; }

    public string? SystemPrompt { get; init; }

    public string? PromptTemplate { get; init; }

    public double? Temperature { get; init; }

    public int? MaxTokens { get; init; }

    public IReadOnlyList<string>? Evaluators { get; init; }

    /// <summary>Outputs by dataset item id, to score instead of asking a model.</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }
}

/// <summary>An experiment as shown, with its progress and each score's mean over the items it scored.</summary>
public sealed record ExperimentView(
    string Id,
    string Name,
    string DatasetId,
    int DatasetVersion,
    string Mode,
    long? EndpointId,
    string? Model,
    string? SystemPrompt,
    string? PromptTemplate,
    double? Temperature,
    int? MaxTokens,
    IReadOnlyList<string> Evaluators,
    string Status,
    int Total,
    int Completed,
    int Failed,
    string? Error,
    IReadOnlyDictionary<string, double> Means,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>One item's result in an experiment.</summary>
public sealed record ExperimentResultView(
    string ItemId,
    long ItemRevision,
    string Input,
    string? ExpectedOutput,
    string? Output,
    string? Error,
    double? LatencyMs,
    bool Done,
    IReadOnlyList<ExperimentScore> Scores);

/// <summary>How one score of one item moved from the baseline run to the candidate.</summary>
public sealed record ScoreDelta(string Name, double? Baseline, double? Candidate)
{
    public double? Delta => Baseline is { } b && Candidate is { } c ? c - b : null;
}

/// <summary>One item in both runs side by side, and whether it got better, worse or stayed.</summary>
public sealed record ComparedItem(
    string ItemId,
    string Input,
    string? ExpectedOutput,
    string? BaselineOutput,
    string? CandidateOutput,
    IReadOnlyList<ScoreDelta> Scores,
    string Change);

public static class ItemChange
{
    public const string Better = "better";
    public const string Worse = "worse";
    public const string Same = "same";

    /// <summary>In the candidate only (added to the dataset since the baseline ran).</summary>
    public const string Added = "added";

    /// <summary>In the baseline only (deleted since).</summary>
    public const string Removed = "removed";
}

/// <summary>Two runs compared item by item, with each score's mean in both.</summary>
public sealed record ExperimentComparison(
    ExperimentView Baseline,
    ExperimentView Candidate,
    IReadOnlyList<ScoreDelta> Means,
    int Better,
    int Worse,
    int Same,
    IReadOnlyList<ComparedItem> Items);

/// <summary>What the gate checks: score means at least or at most, regressions against a baseline, failures.</summary>
public sealed record GateRequest
{
    public IReadOnlyDictionary<string, double>? Min { get; init; }

    public IReadOnlyDictionary<string, double>? Max { get; init; }

    public string? BaselineId { get; init; }

    /// <summary>How many items may be worse than in the baseline; null: any number.</summary>
    public int? MaxRegressions { get; init; }

    /// <summary>How many items may fail to produce an output (model errors). Default 0.</summary>
    public int? MaxFailedItems { get; init; }
}

/// <summary>One check of the gate and how it came out.</summary>
public sealed record GateCheck(string Check, bool Passed, string Message);

/// <summary>The gate's verdict, every check with it, and the summary a CI log shows.</summary>
public sealed record GateResult(
    bool Passed,
    string ExperimentId,
    string? BaselineId,
    IReadOnlyDictionary<string, double> Means,
    int Regressions,
    IReadOnlyList<GateCheck> Checks,
    IReadOnlyList<ComparedItem> RegressedItems,
    string Summary);
