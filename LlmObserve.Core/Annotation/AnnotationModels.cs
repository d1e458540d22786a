namespace LlmObserve.Core.Annotation;

/// <summary>A score configuration as a caller describes it.</summary>
public sealed record ScoreConfigDraft(
    string? Name,
    string? Kind,
    IReadOnlyList<string>? Labels,
    double? Min,
    double? Max);

/// <summary>
/// A queue as a caller describes it; the traces come from a trace-list filter, all or a random sample.
/// </summary>
public sealed record AnnotationQueueDraft(
    string? Name,
    string? Filter,
    int? SampleSize,
    int? ReviewsPerItem,
    int? LeaseSeconds,
    IReadOnlyList<ScoreConfigDraft>? ScoreConfigs);

public sealed record ScoreConfigView(string Name, string Kind, IReadOnlyList<string> Labels, double? Min, double? Max);

/// <summary>A queue with its progress: items, and items with all their reviews done.</summary>
public sealed record AnnotationQueueView(
    string Id,
    string Name,
    string Filter,
    int? SampleSize,
    int ReviewsPerItem,
    int LeaseSeconds,
    IReadOnlyList<ScoreConfigView> ScoreConfigs,
    int Items,
    int CompletedItems,
    DateTimeOffset CreatedAt);

/// <summary>A score the trace already has from an evaluator: shown to a reviewer only after they labelled.</summary>
public sealed record EvaluatorVerdict(string Name, double? Value, string? Label, string Source, string? Explanation);

/// <summary>What a reviewer sees of one item.</summary>
public sealed record AnnotationItemView(
    long ItemId,
    string QueueId,
    string TraceId,
    int Position,
    string Input,
    IReadOnlyList<string> Context,
    string Output,
    DateTimeOffset? LeaseExpiresAt,
    IReadOnlyDictionary<string, string> MyLabels,
    bool Labelled,
    IReadOnlyList<EvaluatorVerdict> Verdicts);

/// <summary>A reviewer's progress in a queue.</summary>
public sealed record ReviewerProgress(int Labelled, int Skipped, int Items, int CompletedItems);

/// <summary>The outcome of submitting labels.</summary>
public sealed record LabelResult(
    bool Saved,
    IReadOnlyList<Evaluation.FieldError> Errors,
    string? Conflict,
    bool NotFound = false)
{
    public static LabelResult Ok { get; } = new(true, [], null);
}

/// <summary>
/// How much the reviewers of a queue agree on one score: Cohen's kappa when exactly two reviewers labelled it (over
/// the items both labelled), Krippendorff's alpha for any number (nominal for labels, interval for numbers).
/// </summary>
public sealed record ScoreAgreement(
    string Name,
    string Kind,
    int Reviewers,
    int ItemsWithSeveralLabels,
    int PairedItems,
    double? CohenKappa,
    double? KrippendorffAlpha,
    double? PercentAgreement);
