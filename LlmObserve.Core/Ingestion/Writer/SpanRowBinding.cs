using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// The columns of <c>"Spans"</c> the writer fills and where each value comes from. One list drives both the SQL
/// text and the parameter binding, so the two cannot drift apart. The project and ingestion time are bound by the
/// writer: the project always comes from the batch, whatever the entity says.
/// </summary>
internal static class SpanRowBinding
{
    public const string ProjectIdColumn = "ProjectId";

    public const string IngestedAtColumn = "IngestedAtUnixNano";

    public static IReadOnlyList<(string Column, Func<SpanEntity, object?> Value)> Columns { get; } =
    [
        ("TraceId", s => s.TraceId),
        ("SpanId", s => s.SpanId),
        ("ParentSpanId", s => s.ParentSpanId),
        ("Name", s => s.Name),
        ("Type", s => s.Type),
        ("Kind", s => s.Kind),
        ("StartTimeUnixNano", s => s.StartTimeUnixNano),
        ("EndTimeUnixNano", s => s.EndTimeUnixNano),
        ("Status", s => s.Status),
        ("StatusMessage", s => s.StatusMessage),
        ("ErrorType", s => s.ErrorType),
        ("Model", s => s.Model),
        ("RequestModel", s => s.RequestModel),
        ("ResponseModel", s => s.ResponseModel),
        ("Provider", s => s.Provider),
        ("ParametersJson", s => s.ParametersJson),
        ("InputText", s => s.InputText),
        ("OutputText", s => s.OutputText),
        ("InputMessagesJson", s => s.InputMessagesJson),
        ("OutputMessagesJson", s => s.OutputMessagesJson),
        ("ToolDefinitionsJson", s => s.ToolDefinitionsJson),
        ("DocumentsJson", s => s.DocumentsJson),
        ("ToolJson", s => s.ToolJson),
        ("InputTokens", s => s.InputTokens),
        ("OutputTokens", s => s.OutputTokens),
        ("CacheReadTokens", s => s.CacheReadTokens),
        ("CacheWriteTokens", s => s.CacheWriteTokens),
        ("ReasoningTokens", s => s.ReasoningTokens),
        ("TotalTokens", s => s.TotalTokens),
        ("UsageEstimated", s => s.UsageEstimated),
        ("Cost", s => s.Cost),
        ("CostReported", s => s.CostReported),
        ("CostDetailsJson", s => s.CostDetailsJson),
        ("SessionId", s => s.SessionId),
        ("UserId", s => s.UserId),
        ("Environment", s => s.Environment),
        ("Release", s => s.Release),
        ("Version", s => s.Version),
        ("TagsJson", s => s.TagsJson),
        ("MetadataJson", s => s.MetadataJson),
        ("TraceName", s => s.TraceName),
        ("TraceInputText", s => s.TraceInputText),
        ("TraceOutputText", s => s.TraceOutputText),
        ("FinishReasonsJson", s => s.FinishReasonsJson),
        ("ResponseId", s => s.ResponseId),
        ("CompletionStartUnixNano", s => s.CompletionStartUnixNano),
        ("PromptJson", s => s.PromptJson),
        ("ServiceName", s => s.ServiceName),
        ("ScopeName", s => s.ScopeName),
        ("AttributesJson", s => s.AttributesJson),
        ("ResourceAttributesJson", s => s.ResourceAttributesJson),
        ("EventsJson", s => s.EventsJson),
        ("LinksJson", s => s.LinksJson),
        ("TruncationsJson", s => s.TruncationsJson),
        ("RedactionsJson", s => s.RedactionsJson),
    ];
}
