using LlmObserve.Core.Traces;

namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>The spans of one OTLP request as the store keeps them, and what could not be kept.</summary>
/// <param name="Spans">Accepted spans, in request order.</param>
/// <param name="RejectedSpans">Spans dropped for unusable ids; the count for OTLP <c>partial_success</c>.</param>
/// <param name="Errors">
/// Human-readable messages, each naming the span (its position in the request and name) and the field; capped, the
/// last one says how many more there were. Non-empty with no rejected span means warnings only.
/// </param>
public sealed record OtlpMapResult(IReadOnlyList<SpanEntity> Spans, int RejectedSpans, IReadOnlyList<string> Errors)
{
    /// <summary>The messages joined for OTLP <c>partial_success.error_message</c>; null when there are none.</summary>
    public string? ErrorMessage => Errors.Count == 0 ? null : string.Join("; ", Errors);
}
