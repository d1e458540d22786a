using LlmObserve.Core.Drift.Embeddings;
using LlmObserve.Core.Drift.Statistics;
using static LlmObserve.Tests.Drift.DriftReferenceCases;

namespace LlmObserve.Tests.Drift;

public sealed class EmbeddingDriftTests
{
    [Fact]
    public void Centroids_ArizeExample_MatchesCentroidsAndDistances()
    {
        const string id = "AR-01";
        var reference = Vectors(id, "reference").Select(v => v.Select(x => (float)x).ToArray()).ToArray();
        var current = Vectors(id, "current").Select(v => v.Select(x => (float)x).ToArray()).ToArray();

        var distances = EmbeddingDrift.Centroids(reference, current);

        foreach (var (expected, actual) in ExpectedArray(id, "centroid_ref").Zip(distances.ReferenceCentroid))
        {
            AssertClose(id, expected, actual);
        }

        foreach (var (expected, actual) in ExpectedArray(id, "centroid_cur").Zip(distances.CurrentCentroid))
        {
            AssertClose(id, expected, actual);
        }

        AssertClose(id, Expected(id, "euclidean"), distances.Euclidean);
        AssertClose(id, Expected(id, "derived_cosine_distance"), distances.Cosine);
        AssertClose(id, Expected(id, "derived_cityblock"), distances.Cityblock);
        AssertClose(id, Expected(id, "derived_chebyshev"), distances.Chebyshev);
    }

    [Fact]
    public void AllMeasures_SameTopicMix_DoNotDrift()
    {
        var gen = new SyntheticEmbeddings(1);
        var topics = Enumerable.Range(0, 4).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [0.4, 0.3, 0.2, 0.1], 400);
        var current = gen.Mixture(topics, [0.4, 0.3, 0.2, 0.1], 400);

        var results = RunAll(reference, current);

        Assert.All(results, r => Assert.False(r.Drifted, $"{r.TestName} drifted: score {r.Score}"));
    }

    [Fact]
    public void AllMeasures_NewTopicTakesHalf_Drift()
    {
        var gen = new SyntheticEmbeddings(2);
        var topics = Enumerable.Range(0, 5).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [0.4, 0.3, 0.2, 0.1, 0], 400);
        var current = gen.Mixture(topics, [0.2, 0.15, 0.1, 0.05, 0.5], 400);

        var results = RunAll(reference, current);

        Assert.All(results, r => Assert.True(r.Drifted, $"{r.TestName} missed the new topic: score {r.Score}"));
    }

    [Fact]
    public void DomainClassifier_SameDistribution_AucNearHalf()
    {
        var gen = new SyntheticEmbeddings(3);
        var topics = Enumerable.Range(0, 3).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [1, 1, 1], 600);
        var current = gen.Mixture(topics, [1, 1, 1], 600);

        var result = EmbeddingDrift.DomainClassifier(reference, current, new EmbeddingDriftOptions { Seed = 1 });

        Assert.InRange(result.Score, 0.42, 0.58);
    }

    [Fact]
    public void DomainClassifier_ShiftedDistribution_AucNearOne()
    {
        var gen = new SyntheticEmbeddings(4);
        var topics = Enumerable.Range(0, 4).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [1, 1, 0, 0], 600);
        var current = gen.Mixture(topics, [0, 0, 1, 1], 600);

        var result = EmbeddingDrift.DomainClassifier(reference, current, new EmbeddingDriftOptions { Seed = 1 });

        Assert.InRange(result.Score, 0.95, 1.0);
        Assert.True(result.Drifted);
    }

    [Fact]
    public void Mmd_SameSeed_RepeatsExactly()
    {
        var gen = new SyntheticEmbeddings(5);
        var topics = Enumerable.Range(0, 3).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [1, 1, 1], 200);
        var current = gen.Mixture(topics, [2, 1, 1], 200);
        var options = new EmbeddingDriftOptions { Seed = 9 };

        var first = EmbeddingDrift.Mmd(reference, current, options);
        var again = EmbeddingDrift.Mmd(reference, current, options);

        Assert.Equal(first, again);
        Assert.InRange(first.Score, 1.0 / 101, 1.0);
    }

    [Fact]
    public void Mmd_LargeWindows_AreSubsampledToTheCap()
    {
        var gen = new SyntheticEmbeddings(6, dimensions: 16);
        var topic = gen.Direction();
        var reference = gen.Mixture([topic], [1], 300);
        var current = gen.Mixture([topic], [1], 300);

        var result = EmbeddingDrift.Mmd(reference, current, new EmbeddingDriftOptions { MaxPerWindow = 100 });

        Assert.Equal(100, result.SampledPerWindow);
        Assert.Equal(300, result.ReferenceCount);
    }

    [Fact]
    public void Centroids_MixedDimensions_NamesTheVector()
    {
        float[][] reference = [[1, 2, 3], [1, 2, 3]];
        float[][] current = [[1, 2, 3], [1, 2]];

        var error = Assert.Throws<ArgumentException>(() => EmbeddingDrift.Centroids(reference, current));

        Assert.Contains("Vector 1 of the current window has 2 dimensions; expected 3", error.Message);
    }

    [Fact]
    public void DomainClassifier_TooFewVectors_SaysNotEnoughData()
    {
        float[][] reference = [[1, 2], [2, 1]];
        float[][] current = [[1, 2], [2, 1], [3, 3], [0, 1]];

        var result = EmbeddingDrift.DomainClassifier(reference, current);

        Assert.Equal(DriftStatus.NotEnoughData, result.Status);
        Assert.Contains("n = 2 reference", result.Message);
    }

    private static DriftTestResult[] RunAll(float[][] reference, float[][] current)
    {
        var options = new EmbeddingDriftOptions { Seed = 3 };
        return
        [
            EmbeddingDrift.CentroidEuclidean(reference, current, options),
            EmbeddingDrift.CentroidCosine(reference, current, options with { Threshold = 0.05 }),
            EmbeddingDrift.Mmd(reference, current, options),
            EmbeddingDrift.DomainClassifier(reference, current, options),
        ];
    }
}
