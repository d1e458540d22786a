namespace LlmObserve.Core.Annotation;

/// <summary>Calibration settings (<c>LlmObserve:Calibration</c>).</summary>
public sealed class CalibrationOptions
{
    /// <summary>
    /// Pairs (a judge verdict and a human label on the same trace and score name) below which no figure is shown,
    /// only "not enough labels (n = …)": a kappa from a handful of pairs says nothing.
    /// </summary>
    public int MinimumPairs { get; set; } = 10;

    /// <summary>
    /// A judge score (on [0, 1], 1 the good end) at or above this passes, when its label does not decide; a numeric
    /// human label is read the same way after mapping its configured range onto [0, 1].
    /// </summary>
    public double PassThreshold { get; set; } = 0.5;
}

/// <summary>How calibration buckets pairs over time.</summary>
public enum CalibrationBucket
{
    Day,
    Week,
}

/// <summary>
/// Judge against human, failing class first: the judge's verdict is the row, the human's the column.
/// </summary>
public sealed record ConfusionMatrix(int BothFail, int JudgeFailHumanPass, int JudgePassHumanFail, int BothPass)
{
    public static ConfusionMatrix Empty { get; } = new(0, 0, 0, 0);

    public int Total => BothFail + JudgeFailHumanPass + JudgePassHumanFail + BothPass;
}

/// <summary>
/// The figures of a set of pairs. Below the minimum only <see cref="Pairs"/> is given and <see cref="Enough"/> is
/// false; the others are null. Precision and recall are of the failing class (the judge's "fail" against the
/// human's): null when the judge never failed (precision) or the humans never did (recall).
/// </summary>
public sealed record CalibrationFigures(
    int Pairs,
    bool Enough,
    double? AgreementRate,
    double? CohenKappa,
    ConfusionMatrix? Matrix,
    double? FailPrecision,
    double? FailRecall);

/// <summary>The figures of one version of an evaluator.</summary>
public sealed record CalibrationVersion(string Version, CalibrationFigures Figures);

/// <summary>The figures of the pairs whose judge verdict falls in one bucket (start in UTC).</summary>
public sealed record CalibrationPoint(DateTimeOffset Start, CalibrationFigures Figures);

/// <summary>
/// One judge evaluator against the human labels of its score name. <see cref="UnmappedLabels"/> counts human labels
/// on judged traces that could not be read as pass or fail (free text, or a category that is neither one of the
/// judge's labels nor a failing label), left out of every figure.
/// </summary>
public sealed record EvaluatorCalibration(
    string EvaluatorId,
    string Name,
    int CurrentVersion,
    CalibrationFigures Overall,
    IReadOnlyList<CalibrationVersion> Versions,
    IReadOnlyList<CalibrationPoint> Timeline,
    int UnmappedLabels);

/// <summary>Every judge evaluator of a project against human labels, over a range of judge verdicts.</summary>
public sealed record CalibrationReport(
    DateTimeOffset From,
    DateTimeOffset To,
    CalibrationBucket Bucket,
    int MinimumPairs,
    double PassThreshold,
    IReadOnlyList<EvaluatorCalibration> Evaluators);

/// <summary>A judge verdict paired with a human label, both read as pass (true) or fail (false).</summary>
public readonly record struct CalibrationPair(string Version, DateTimeOffset JudgedAt, bool JudgePass, bool HumanPass);
