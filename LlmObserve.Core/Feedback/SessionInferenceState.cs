namespace LlmObserve.Core.Feedback;

/// <summary>How far the inference has read the traces, by row id (the order traces were first stored).</summary>
public sealed class FeedbackInferenceState
{
    public int Id { get; set; }

    public long TraceRowCursor { get; set; }
}

/// <summary>A session whose signals are to be (re)inferred at <see cref="CheckAfter"/>.</summary>
public sealed class SessionInferenceQueueEntry
{
    public required string ProjectId { get; set; }

    public required string SessionId { get; set; }

    public DateTimeOffset CheckAfter { get; set; }
}
