using System.Globalization;

namespace LlmObserve.Core.Feedback;

/// <summary>One request of a session as the inference rules read it, in the order of the session.</summary>
public sealed record SessionTurn(
    string TraceId,
    DateTimeOffset Start,
    DateTimeOffset End,
    string? Input,
    bool Failed,
    bool Refused,
    string? UserId);

/// <summary>An implicit signal inferred for a trace, with how it was inferred.</summary>
public sealed record InferredSignal(string TraceId, string Kind, DateTimeOffset Time, string? UserId, string Inference);

/// <summary>
/// Infers implicit feedback from the order of a session's requests. The signal lands on the trace whose answer the
/// user reacted to:
/// <list type="bullet">
/// <item><b>retry</b>: the next request sends the same input again (compared ignoring case and spacing);</item>
/// <item><b>rephrase</b>: the next request's input is close to this one's (cosine of MiniLM sentence embeddings at
/// least the threshold) without being the same;</item>
/// <item><b>abandon</b>: this request failed or its answer was a refusal, and it is the last of the session, which
/// has had no request for the idle time.</item>
/// </list>
/// Rules are pure: the embedder is passed in, so a session read twice gives the same signals.
/// </summary>
public static class SessionSignalRules
{
    public static IReadOnlyList<InferredSignal> Infer(
        IReadOnlyList<SessionTurn> turns,
        Func<IReadOnlyList<string>, float[][]> embed,
        double rephraseSimilarity,
        TimeSpan sessionIdle,
        DateTimeOffset now)
    {
        var signals = new List<InferredSignal>();
        var pairs = new List<(SessionTurn Before, SessionTurn After)>();
        for (var i = 0; i + 1 < turns.Count; i++)
        {
            var (before, after) = (turns[i], turns[i + 1]);
            if (string.IsNullOrWhiteSpace(before.Input) || string.IsNullOrWhiteSpace(after.Input))
            {
                continue;
            }

            if (Normalize(before.Input) == Normalize(after.Input))
            {
                signals.Add(new InferredSignal(
                    before.TraceId,
                    FeedbackKinds.Retry,
                    after.Start,
                    after.UserId ?? before.UserId,
                    $"retry: the next request of the session (trace {after.TraceId}, "
                    + $"{Seconds(after.Start - before.End)} later) sent the same input again."));
            }
            else
            {
                pairs.Add((before, after));
            }
        }

        if (pairs.Count > 0)
        {
            var texts = pairs.SelectMany(p => new[] { p.Before.Input!, p.After.Input! })
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var vectors = embed(texts);
            var byText = texts.Select((text, index) => (text, index))
                .ToDictionary(p => p.text, p => vectors[p.index], StringComparer.Ordinal);
            foreach (var (before, after) in pairs)
            {
                var similarity = Cosine(byText[before.Input!], byText[after.Input!]);
                if (similarity >= rephraseSimilarity)
                {
                    signals.Add(new InferredSignal(
                        before.TraceId,
                        FeedbackKinds.Rephrase,
                        after.Start,
                        after.UserId ?? before.UserId,
                        $"rephrase: the next request of the session (trace {after.TraceId}) asked nearly the same, "
                        + $"embedding similarity {Number(similarity)} (threshold {Number(rephraseSimilarity)})."));
                }
            }
        }

        if (turns.Count > 0 && turns[^1] is { } last && (last.Failed || last.Refused) && now - last.End >= sessionIdle)
        {
            signals.Add(new InferredSignal(
                last.TraceId,
                FeedbackKinds.Abandon,
                last.End,
                last.UserId,
                $"abandon: the session ended right after this {(last.Failed ? "error" : "refusal")} "
                + $"(no request for {Number(sessionIdle.TotalMinutes)} min)."));
        }

        return signals;
    }

    /// <summary>Cosine of two vectors; the embedder's vectors are unit length, but this does not rely on it.</summary>
    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }

        return normA == 0 || normB == 0 ? 0 : dot / Math.Sqrt(normA * normB);
    }

    private static string Normalize(string text)
        => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span)
        => Math.Max(0, span.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + " s";
}
