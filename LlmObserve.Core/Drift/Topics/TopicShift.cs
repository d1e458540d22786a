using MathNet.Numerics.Distributions;

namespace LlmObserve.Core.Drift.Topics;

/// <summary>Why a topic was flagged.</summary>
public enum TopicFlag
{
    None,

    /// <summary>Almost absent from the reference window, a clear share of the current one.</summary>
    New,

    /// <summary>Present before, and its share has at least doubled by a clear margin.</summary>
    Growing,
}

/// <summary>The share of one topic (or of the unassigned vectors) in both windows.</summary>
public sealed record TopicShare(
    int TopicId,
    string Label,
    int ReferenceCount,
    int CurrentCount,
    double ReferenceShare,
    double CurrentShare,
    double PValue,
    TopicFlag Flag)
{
    /// <summary>Indices into the current window of a few vectors of this topic, nearest its centre first.</summary>
    public IReadOnlyList<int> CurrentExamples { get; init; } = [];
}

/// <summary>Topic shares of two windows, and whether any topic is new or growing.</summary>
public sealed record TopicShiftReport(
    IReadOnlyList<TopicShare> Topics,
    TopicShare Unassigned,
    int ReferenceCount,
    int CurrentCount)
{
    /// <summary>True when a topic, or the unassigned vectors, is flagged: the topic-mix drift signal.</summary>
    public bool Drifted => Unassigned.Flag != TopicFlag.None || Topics.Any(t => t.Flag != TopicFlag.None);
}

/// <summary>The rule that flags a new or growing topic; every number is a documented default.</summary>
public sealed record TopicShiftOptions
{
    /// <summary>A topic is new when its reference share is below this…</summary>
    public double NewMaxReferenceShare { get; init; } = 0.01;

    /// <summary>…and a topic is new or growing only when its current share is at least this.</summary>
    public double MinCurrentShare { get; init; } = 0.05;

    /// <summary>A topic is growing when its share has risen at least this many times…</summary>
    public double GrowthFactor { get; init; } = 2.0;

    /// <summary>…and by at least this much (absolute share)…</summary>
    public double MinShareIncrease { get; init; } = 0.05;

    /// <summary>…and the rise is significant: one-sided two-proportion z-test p-value below this.</summary>
    public double MaxPValue { get; init; } = 0.05;

    /// <summary>Examples kept per flagged topic.</summary>
    public int Examples { get; init; } = 5;
}

/// <summary>
/// Compares the topic mix of two windows under one topic model. A topic is flagged New when its reference
/// share is below 1 % and its current share at least 5 %; Growing when its share at least doubled, rose by at
/// least 5 points and reached 5 %; either only when a one-sided two-proportion z-test of the rise gives
/// p &lt; 0.05. Vectors that fit no topic (beyond the model's outlier distance, about 1 % of its training data)
/// are counted as their own row and flagged by the same rule; a rise there is always reported as New, since those
/// vectors belong to a topic the model has not seen.
/// </summary>
public static class TopicShift
{
    public static TopicShiftReport Compare(
        TopicModel model,
        IReadOnlyList<float[]> reference,
        IReadOnlyList<float[]> current,
        TopicShiftOptions? options = null)
    {
        options ??= new TopicShiftOptions();
        if (reference.Count == 0 || current.Count == 0)
        {
            throw new ArgumentException(
                $"Both windows need at least one vector (reference {reference.Count}, current {current.Count}).");
        }

        var k = model.Topics.Count;
        var refCounts = new int[k + 1];
        var curCounts = new int[k + 1];
        foreach (var v in reference)
        {
            refCounts[Slot(model.Assign(v).TopicId, k)]++;
        }

        var curAssignments = current.Select(model.Assign).ToArray();
        foreach (var a in curAssignments)
        {
            curCounts[Slot(a.TopicId, k)]++;
        }

        TopicShare Share(int slot, int id, string label)
        {
            double pr = (double)refCounts[slot] / reference.Count, pc = (double)curCounts[slot] / current.Count;
            var p = RiseP(refCounts[slot], reference.Count, curCounts[slot], current.Count);
            var flag = TopicFlag.None;
            if (pc >= options.MinCurrentShare && p < options.MaxPValue)
            {
                if (pr < options.NewMaxReferenceShare)
                {
                    flag = TopicFlag.New;
                }
                else if (pc >= options.GrowthFactor * pr && pc - pr >= options.MinShareIncrease)
                {
                    // About 1 % of the reference fits no topic by construction, so a rise there is a new topic.
                    flag = id == TopicModel.Unassigned ? TopicFlag.New : TopicFlag.Growing;
                }
            }

            var examples = flag == TopicFlag.None
                ? []
                : curAssignments.Select((a, i) => (a, i))
                    .Where(x => x.a.TopicId == id)
                    .OrderBy(x => x.a.Distance)
                    .Take(options.Examples)
                    .Select(x => x.i)
                    .ToArray();
            return new TopicShare(id, label, refCounts[slot], curCounts[slot], pr, pc, p, flag)
            {
                CurrentExamples = examples,
            };
        }

        var topics = model.Topics.Select(t => Share(t.Id, t.Id, t.Label)).ToArray();
        var unassigned = Share(k, TopicModel.Unassigned, "(fits no topic)");
        return new TopicShiftReport(topics, unassigned, reference.Count, current.Count);
    }

    private static int Slot(int topicId, int k) => topicId == TopicModel.Unassigned ? k : topicId;

    /// <summary>One-sided p-value that the current share exceeds the reference share (pooled z-test).</summary>
    private static double RiseP(int refCount, int refTotal, int curCount, int curTotal)
    {
        double p1 = (double)refCount / refTotal, p2 = (double)curCount / curTotal;
        var pooled = (double)(refCount + curCount) / (refTotal + curTotal);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / refTotal + 1.0 / curTotal));
        if (se == 0)
        {
            return 1.0;
        }

        return 1 - Normal.CDF(0, 1, (p2 - p1) / se);
    }
}
