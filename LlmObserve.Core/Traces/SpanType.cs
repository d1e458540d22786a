namespace LlmObserve.Core.Traces;

/// <summary>The role a span plays in an LLM pipeline, stored in lower case.</summary>
public static class SpanType
{
    public const string Generation = "generation";
    public const string Retrieval = "retrieval";
    public const string Tool = "tool";
    public const string Agent = "agent";
    public const string Chain = "chain";
    public const string Embedding = "embedding";
    public const string Reranker = "reranker";
    public const string Guardrail = "guardrail";
    public const string Evaluator = "evaluator";
    public const string Event = "event";
    public const string Span = "span";

    /// <summary>Every type the store accepts.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Generation, Retrieval, Tool, Agent, Chain, Embedding, Reranker, Guardrail, Evaluator, Event, Span,
    };
}

/// <summary>A span's or trace's outcome, stored in lower case.</summary>
public static class SpanStatus
{
    public const string Unset = "unset";
    public const string Ok = "ok";
    public const string Error = "error";
}
