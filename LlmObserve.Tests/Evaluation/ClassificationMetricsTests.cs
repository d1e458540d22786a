using LlmObserve.Core.Evaluation;

namespace LlmObserve.Tests.Evaluation;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Auroc_PositivesAllRiskier_IsOne()
    {
        var examples = new[] { (0.9, true), (0.8, true), (0.2, false), (0.1, false) };

        var auroc = ClassificationMetrics.Auroc(examples);

        Assert.Equal(1.0, auroc);
    }

    [Fact]
    public void Auroc_OneTieOneInversion_CountsTieAsHalf()
    {
        // Pairs (positive, negative): (0.5, 0.5) tie, (0.5, 0.7) lost, (0.9, 0.5) won, (0.9, 0.7) won.
        var examples = new[] { (0.5, true), (0.9, true), (0.5, false), (0.7, false) };

        var auroc = ClassificationMetrics.Auroc(examples);

        Assert.Equal(2.5 / 4, auroc);
    }

    [Fact]
    public void Auroc_OneClassOnly_IsNull()
    {
        var auroc = ClassificationMetrics.Auroc([(0.5, true), (0.6, true)]);

        Assert.Null(auroc);
    }

    [Fact]
    public void Count_ThresholdInclusive_SplitsIntoConfusionCells()
    {
        var examples = new[] { (0.9, true), (0.6, false), (0.4, true), (0.1, false), (0.5, true) };

        var counts = ClassificationMetrics.Count(examples, 0.5);

        Assert.Equal(
            new BinaryCounts(TruePositives: 2, FalsePositives: 1, FalseNegatives: 1, TrueNegatives: 1),
            counts);
        Assert.Equal(2.0 / 3, counts.Precision, 12);
        Assert.Equal(2.0 / 3, counts.Recall, 12);
        Assert.Equal(2.0 / 3, counts.F1, 12);
    }

    [Fact]
    public void BestF1Threshold_SeparableRisks_FallsBetweenTheClasses()
    {
        var examples = new[] { (0.2, false), (0.3, false), (0.7, true), (0.8, true) };

        var threshold = ClassificationMetrics.BestF1Threshold(examples);

        Assert.Equal(0.5, threshold, 12);
        Assert.Equal(1.0, ClassificationMetrics.Count(examples, threshold).F1);
    }
}
