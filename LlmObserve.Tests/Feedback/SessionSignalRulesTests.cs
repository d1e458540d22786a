using LlmObserve.Core.Feedback;

namespace LlmObserve.Tests.Feedback;

/// <summary>The session rules on their own, with vectors chosen by hand in place of the embedder.</summary>
public sealed class SessionSignalRulesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, float[]> Vectors = new()
    {
        ["reset password"] = [1, 0, 0],
        ["password reset how"] = [0.9f, 0.3f, 0],
        ["opening hours"] = [0, 0, 1],
    };

    [Fact]
    public void Infer_ANearParaphraseAfterAnAnswer_IsARephraseOfThatAnswerAndAnUnrelatedQuestionIsNot()
    {
        var signals = SessionSignalRules.Infer(
            [Turn("t1", 0, "reset password"), Turn("t2", 1, "password reset how"), Turn("t3", 2, "opening hours")],
            Embed,
            0.8,
            TimeSpan.FromMinutes(30),
            Start.AddMinutes(10));

        var signal = Assert.Single(signals);
        Assert.Equal(("t1", FeedbackKinds.Rephrase), (signal.TraceId, signal.Kind));
        Assert.Equal(Start.AddMinutes(1), signal.Time);
    }

    [Fact]
    public void Infer_ALastErrorBeforeTheIdleTime_IsNoAbandonYet()
    {
        var turns = new[] { Turn("t1", 0, "opening hours", failed: true) };

        var early = SessionSignalRules.Infer(turns, Embed, 0.8, TimeSpan.FromMinutes(30), Start.AddMinutes(29));
        var late = SessionSignalRules.Infer(turns, Embed, 0.8, TimeSpan.FromMinutes(30), Start.AddMinutes(31));

        Assert.Empty(early);
        Assert.Equal(FeedbackKinds.Abandon, Assert.Single(late).Kind);
    }

    [Fact]
    public void Infer_TheSameInputAgain_IsARetryAndNeedsNoEmbedding()
    {
        var signals = SessionSignalRules.Infer(
            [Turn("t1", 0, "Reset  password"), Turn("t2", 1, "reset password")],
            _ => throw new InvalidOperationException("a retry is found without embeddings"),
            0.8,
            TimeSpan.FromMinutes(30),
            Start.AddMinutes(5));

        Assert.Equal(("t1", FeedbackKinds.Retry), (signals.Single().TraceId, signals.Single().Kind));
    }

    private static float[][] Embed(IReadOnlyList<string> texts) => [.. texts.Select(t => Vectors[t])];

    private static SessionTurn Turn(string id, int minute, string input, bool failed = false)
        => new(id, Start.AddMinutes(minute), Start.AddMinutes(minute).AddSeconds(3), input, failed, false, "u");
}
