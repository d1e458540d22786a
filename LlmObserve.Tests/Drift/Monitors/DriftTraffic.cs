using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Drift.Monitors;

/// <summary>
/// Generated traffic written straight into a running app's store: traces, and their feature rows as the feature job
/// would store them, with synthetic input embeddings around a few topic directions (MiniLM would take minutes for
/// thousands of traces). Each topic has its own words, so topic labels can be read back.
/// </summary>
internal sealed class DriftTraffic
{
    public static readonly string[][] TopicWords =
    [
        ["password", "reset", "login", "account", "locked"],
        ["parcel", "delivery", "tracking", "shipping", "courier"],
        ["subscription", "cancel", "renewal", "plan", "upgrade"],
        ["refund", "invoice", "charge", "billing", "receipt"],
    ];

    private readonly SyntheticEmbeddings _embeddings;
    private readonly Random _random;
    private readonly float[][] _topics;

    public DriftTraffic(int seed)
    {
        _embeddings = new SyntheticEmbeddings(seed);
        _random = new Random(seed);

        // The directions are the same for every seed, so a stream and its reference share their topics.
        var directions = new SyntheticEmbeddings(12345);
        _topics = [.. TopicWords.Select(_ => directions.Direction())];
    }

    /// <summary>
    /// Writes <paramref name="count"/> traces evenly over [from, from + span): each picks a topic by
    /// <paramref name="weights"/> and an output length around <paramref name="outputTokens"/>.
    /// </summary>
    /// <returns>The trace ids per topic.</returns>
    public async Task<Dictionary<int, List<string>>> WriteAsync(
        RunningApp app,
        DateTimeOffset from,
        TimeSpan span,
        int count,
        IReadOnlyList<double> weights,
        int outputTokens)
    {
        var factory = app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        // A variable, not the constant: EF Core's debug log prints constants of a query, and the suite's log audit
        // counts the test key as a secret.
        var publicKey = RunningApp.PublicKey;
        var projectId = await db.ApiKeys.Where(k => k.PublicKey == publicKey)
            .Select(k => k.ProjectId)
            .SingleAsync();
        var byTopic = new Dictionary<int, List<string>>();
        var traces = new List<TraceEntity>(count);
        var features = new List<TraceFeatureRow>(count);
        for (var i = 0; i < count; i++)
        {
            var topic = Pick(weights);
            var start = from + span * (i / (double)count);
            var startNanos = UnixNanos.FromDateTimeOffset(start);
            var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var words = TopicWords[topic];
            var input = $"Question about {words[_random.Next(5)]} and {words[_random.Next(5)]}: "
                + $"my {words[_random.Next(5)]} needs help with the {words[_random.Next(5)]}";
            var tokens = Math.Max(1, (int)Math.Round(outputTokens + (outputTokens / 4.0) * Gaussian()));
            traces.Add(new TraceEntity
            {
                ProjectId = projectId,
                TraceId = id,
                Name = "support-answer",
                StartTimeUnixNano = startNanos,
                EndTimeUnixNano = startNanos + 500_000_000,
                LatencyMs = 500,
                Status = "ok",
                InputText = input,
                OutputText = "An answer.",
                UpdatedAtUnixNano = startNanos,
            });
            features.Add(new TraceFeatureRow
            {
                ProjectId = projectId,
                TraceId = id,
                StartTimeUnixNano = startNanos,
                TraceUpdatedAtUnixNano = startNanos,
                FeatureVersion = TraceFeatureExtractor.Version,
                ComputedAt = start,
                InputTokens = 12 + _random.Next(6),
                OutputTokens = tokens,
                InputLanguage = "en",
                OutputLanguage = "en",
                Refusal = false,
                LatencyMs = 400 + 200 * _random.NextDouble(),
                Cost = 0.001,
                InputEmbedding = EmbeddingCodec.Encode(_embeddings.Near(_topics[topic])),
                OutputEmbedding = EmbeddingCodec.Encode(_embeddings.Near(_topics[topic])),
            });
            if (!byTopic.TryGetValue(topic, out var ids))
            {
                byTopic[topic] = ids = [];
            }

            ids.Add(id);
        }

        db.Traces.AddRange(traces);
        await db.SaveChangesAsync();
        for (var i = 0; i < features.Count; i++)
        {
            features[i].TraceRowId = traces[i].Id;
        }

        db.TraceFeatures.AddRange(features);
        await db.SaveChangesAsync();
        return byTopic;
    }

    private int Pick(IReadOnlyList<double> weights)
    {
        var u = _random.NextDouble() * weights.Sum();
        for (var k = 0; k < weights.Count; k++)
        {
            if ((u -= weights[k]) < 0)
            {
                return k;
            }
        }

        return weights.Count - 1;
    }

    private double Gaussian()
        => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
