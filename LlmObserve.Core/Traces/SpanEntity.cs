namespace LlmObserve.Core.Traces;

/// <summary>
/// One observation of a trace as stored: a model call, a retrieval, a tool call or any pipeline step.
/// Lists and free-form structures are kept as JSON columns so a span is one row; the shapes of those
/// columns are the records in SpanContent.cs.
/// </summary>
public sealed class SpanEntity
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>32 lower-case hex characters.</summary>
    public required string TraceId { get; set; }

    /// <summary>16 lower-case hex characters.</summary>
    public required string SpanId { get; set; }

    public string? ParentSpanId { get; set; }

    public required string Name { get; set; }

    /// <summary>One of <see cref="SpanType"/>.</summary>
    public required string Type { get; set; }

    /// <summary>OTel span kind in lower case (internal, server, client, producer, consumer), if given.</summary>
    public string? Kind { get; set; }

    public long StartTimeUnixNano { get; set; }

    /// <summary>Never before <see cref="StartTimeUnixNano"/>: a missing or early end is clamped to the start.</summary>
    public long EndTimeUnixNano { get; set; }

    /// <summary>One of <see cref="SpanStatus"/>.</summary>
    public required string Status { get; set; }

    public string? StatusMessage { get; set; }

    public string? ErrorType { get; set; }

    /// <summary>The model that answered when known, else the requested model.</summary>
    public string? Model { get; set; }

    public string? RequestModel { get; set; }

    public string? ResponseModel { get; set; }

    /// <summary>Normalised provider name (openai, anthropic, azure.ai.openai …).</summary>
    public string? Provider { get; set; }

    /// <summary>Request parameters as a JSON object (temperature, top_p, max_tokens, …).</summary>
    public string? ParametersJson { get; set; }

    /// <summary>Plain-text rendering of the input for lists and search.</summary>
    public string? InputText { get; set; }

    /// <summary>Plain-text rendering of the output for lists and search.</summary>
    public string? OutputText { get; set; }

    /// <summary>JSON array of <see cref="ChatMessage"/>; system instructions come first as system messages.</summary>
    public string? InputMessagesJson { get; set; }

    /// <summary>JSON array of <see cref="ChatMessage"/>.</summary>
    public string? OutputMessagesJson { get; set; }

    /// <summary>JSON array of tool definitions as the client sent them.</summary>
    public string? ToolDefinitionsJson { get; set; }

    /// <summary>JSON array of <see cref="RetrievedDocument"/>.</summary>
    public string? DocumentsJson { get; set; }

    /// <summary>JSON of <see cref="ToolInvocation"/> for tool spans.</summary>
    public string? ToolJson { get; set; }

    /// <summary>Inclusive input tokens: cache reads and writes are part of it.</summary>
    public long? InputTokens { get; set; }

    /// <summary>Inclusive output tokens: reasoning is part of it.</summary>
    public long? OutputTokens { get; set; }

    public long? CacheReadTokens { get; set; }

    public long? CacheWriteTokens { get; set; }

    public long? ReasoningTokens { get; set; }

    public long? TotalTokens { get; set; }

    /// <summary>True when token counts were estimated here rather than reported by the client.</summary>
    public bool UsageEstimated { get; set; }

    /// <summary>Total cost in USD, when reported or priced.</summary>
    public double? Cost { get; set; }

    /// <summary>True when the client reported the cost; false when it was computed here.</summary>
    public bool CostReported { get; set; }

    /// <summary>JSON object with the cost breakdown (input, output, …) when known.</summary>
    public string? CostDetailsJson { get; set; }

    public string? SessionId { get; set; }

    public string? UserId { get; set; }

    public string? Environment { get; set; }

    public string? Release { get; set; }

    public string? Version { get; set; }

    /// <summary>JSON array of strings.</summary>
    public string? TagsJson { get; set; }

    /// <summary>JSON object of metadata the client attached.</summary>
    public string? MetadataJson { get; set; }

    /// <summary>A trace name set explicitly from this span (e.g. <c>langfuse.trace.name</c>).</summary>
    public string? TraceName { get; set; }

    /// <summary>A trace input set explicitly from this span (e.g. <c>langfuse.trace.input</c>).</summary>
    public string? TraceInputText { get; set; }

    /// <summary>A trace output set explicitly from this span (e.g. <c>langfuse.trace.output</c>).</summary>
    public string? TraceOutputText { get; set; }

    /// <summary>JSON array of strings: the finish reasons of the response.</summary>
    public string? FinishReasonsJson { get; set; }

    public string? ResponseId { get; set; }

    public long? CompletionStartUnixNano { get; set; }

    /// <summary>JSON of <see cref="PromptReference"/> when the span names the prompt it used.</summary>
    public string? PromptJson { get; set; }

    public string? ServiceName { get; set; }

    public string? ScopeName { get; set; }

    /// <summary>Every span attribute as received, as a JSON object.</summary>
    public string? AttributesJson { get; set; }

    /// <summary>Resource attributes as received, as a JSON object.</summary>
    public string? ResourceAttributesJson { get; set; }

    /// <summary>JSON array of <see cref="SpanEventRecord"/>.</summary>
    public string? EventsJson { get; set; }

    /// <summary>JSON array of <see cref="SpanLinkRecord"/>.</summary>
    public string? LinksJson { get; set; }

    /// <summary>JSON array of <see cref="TruncationNote"/>: fields cut at ingestion and their original size.</summary>
    public string? TruncationsJson { get; set; }

    /// <summary>
    /// Replacements redaction made before the span was stored, by kind (<c>{"email":2}</c>); null: none.
    /// </summary>
    public string? RedactionsJson { get; set; }

    public long IngestedAtUnixNano { get; set; }
}
