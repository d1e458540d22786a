using LlmObserve.Core.Drift.Topics;

namespace LlmObserve.Tests.Drift;

public sealed class TopicTests
{
    private static readonly string[][] Vocabulary =
    [
        ["refund", "invoice", "charge", "billing"],
        ["password", "login", "account", "reset"],
        ["shipping", "delivery", "parcel", "tracking"],
        ["python", "error", "stacktrace", "exception"],
        ["recipe", "oven", "flour", "baking"],
    ];

    [Fact]
    public void KMeans_WellSeparatedClusters_RecoversEachCluster()
    {
        var (vectors, truth, _) = Corpus(seed: 1, topics: 4, perTopic: 150);

        var fit = KMeans.Fit(vectors, 4, seed: 3);

        for (var t = 0; t < 4; t++)
        {
            var predicted = truth.Select((tr, i) => (tr, i)).Where(x => x.tr == t)
                .Select(x => fit.Assignments[x.i]).Distinct().ToArray();
            Assert.Single(predicted);
        }

        Assert.Equal(4, fit.Assignments.Distinct().Count());
    }

    [Fact]
    public void KMeans_SameSeed_RepeatsExactly()
    {
        var (vectors, _, _) = Corpus(seed: 2, topics: 3, perTopic: 80);

        var first = KMeans.Fit(vectors, 3, seed: 5);
        var again = KMeans.Fit(vectors, 3, seed: 5);

        Assert.Equal(first.Assignments, again.Assignments);
        Assert.Equal(first.Inertia, again.Inertia);
    }

    [Fact]
    public void ChooseK_FourSeparatedClusters_PicksFour()
    {
        var (vectors, _, _) = Corpus(seed: 3, topics: 4, perTopic: 100);

        var choice = KMeans.ChooseK(vectors, minK: 2, maxK: 7, seed: 1);

        Assert.Equal(4, choice.K);
        Assert.Equal(6, choice.Scores.Count);
    }

    [Fact]
    public void Fit_ClusterTexts_LabelsEachTopicByItsOwnWords()
    {
        var (vectors, truth, texts) = Corpus(seed: 4, topics: 3, perTopic: 100);

        var model = TopicModel.Fit(vectors, texts, new TopicModelOptions { K = 3, Seed = 2 });

        foreach (var topic in model.Topics)
        {
            var members = Enumerable.Range(0, vectors.Length).Where(i => model.Assign(vectors[i]).TopicId == topic.Id);
            var trueTopic = members.Select(i => truth[i]).GroupBy(t => t).OrderByDescending(g => g.Count()).First().Key;
            Assert.Subset(Vocabulary[trueTopic].ToHashSet(), topic.Keywords.Take(4).ToHashSet());
        }
    }

    [Fact]
    public void Compare_StationaryMix_FlagsNothing()
    {
        var (vectors, _, texts) = Corpus(seed: 5, topics: 3, perTopic: 200);
        var model = TopicModel.Fit(vectors[..300], texts[..300], new TopicModelOptions { K = 3 });
        var reference = vectors.Where((_, i) => i % 2 == 0).ToArray();
        var current = vectors.Where((_, i) => i % 2 == 1).ToArray();

        var report = TopicShift.Compare(model, reference, current);

        Assert.False(report.Drifted, string.Join("; ", report.Topics.Select(t => $"{t.Label} {t.Flag}")));
    }

    [Fact]
    public void Compare_UnseenTopicArrives_FlagsItAsFittingNoTopicWithExamples()
    {
        var gen = new SyntheticEmbeddings(6);
        var topics = Enumerable.Range(0, 4).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [1, 1, 1, 0], 600, spread: 0.6);
        var texts = reference.Select((_, i) => "text " + i).ToArray();
        var model = TopicModel.Fit(reference, texts, new TopicModelOptions { K = 3 });
        var current = gen.Mixture(topics, [1, 1, 1, 1], 400, spread: 0.6);

        var report = TopicShift.Compare(model, reference, current);

        Assert.True(report.Drifted);
        Assert.Equal(TopicFlag.New, report.Unassigned.Flag);
        Assert.InRange(report.Unassigned.CurrentShare, 0.2, 0.3);
        Assert.NotEmpty(report.Unassigned.CurrentExamples);
    }

    [Fact]
    public void Compare_KnownTopicDoubles_FlagsItGrowing()
    {
        var gen = new SyntheticEmbeddings(7);
        var topics = Enumerable.Range(0, 3).Select(_ => gen.Direction()).ToArray();
        var reference = gen.Mixture(topics, [0.45, 0.45, 0.1], 600, spread: 0.6);
        var model = TopicModel.Fit(reference, reference.Select(_ => "x").ToArray(), new TopicModelOptions { K = 3 });
        var current = gen.Mixture(topics, [0.3, 0.3, 0.4], 600, spread: 0.6);

        var report = TopicShift.Compare(model, reference, current);

        var growing = Assert.Single(report.Topics, t => t.Flag == TopicFlag.Growing);
        Assert.InRange(growing.ReferenceShare, 0.05, 0.15);
        Assert.InRange(growing.CurrentShare, 0.3, 0.5);
    }

    [Fact]
    public void Counts_Window_SumToItsSize()
    {
        var (vectors, _, texts) = Corpus(seed: 8, topics: 2, perTopic: 50);
        var model = TopicModel.Fit(vectors, texts, new TopicModelOptions { K = 2 });

        var counts = model.Counts(vectors);

        Assert.Equal(vectors.Length, counts.Sum());
        Assert.Equal(3, counts.Length);
    }

    [Fact]
    public void Restore_StoredModel_AssignsLikeTheFittedOne()
    {
        var (vectors, _, texts) = Corpus(seed: 10, topics: 3, perTopic: 40);
        var model = TopicModel.Fit(vectors, texts, new TopicModelOptions { K = 3 });

        var restored = TopicModel.Restore(model.Centroids, model.Topics, model.OutlierDistance);

        Assert.Equal(vectors.Select(model.Assign), vectors.Select(restored.Assign));
    }

    [Fact]
    public void Fit_TextsDoNotMatchEmbeddings_SaysHowMany()
    {
        var (vectors, _, _) = Corpus(seed: 9, topics: 2, perTopic: 5);

        var error = Assert.Throws<ArgumentException>(() => TopicModel.Fit(vectors, ["one"]));

        Assert.Contains("10 embeddings, 1 texts", error.Message);
    }

    /// <summary>Vectors around separate directions, each with a text of its topic's words and common ones.</summary>
    private static (float[][] Vectors, int[] Truth, string[] Texts) Corpus(int seed, int topics, int perTopic)
    {
        var gen = new SyntheticEmbeddings(seed);
        var random = new Random(seed + 1000);
        var directions = Enumerable.Range(0, topics).Select(_ => gen.Direction()).ToArray();
        var vectors = new List<float[]>();
        var truth = new List<int>();
        var texts = new List<string>();
        string[] common = ["question", "help", "today", "problem"];
        for (var i = 0; i < topics * perTopic; i++)
        {
            var t = i % topics;
            vectors.Add(gen.Near(directions[t], spread: 0.6));
            truth.Add(t);
            var words = Enumerable.Range(0, 6).Select(_ => random.NextDouble() < 0.6
                ? Vocabulary[t][random.Next(Vocabulary[t].Length)]
                : common[random.Next(common.Length)]);
            texts.Add("The " + string.Join(" the ", words));
        }

        return ([.. vectors], [.. truth], [.. texts]);
    }
}
