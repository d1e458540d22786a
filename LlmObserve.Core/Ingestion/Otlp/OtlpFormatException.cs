namespace LlmObserve.Core.Ingestion.Otlp;

/// <summary>
/// An OTLP request body that cannot be decoded at all: malformed JSON, a field of the wrong JSON type, or
/// broken protobuf wire format. The message names what went wrong and where, e.g.
/// <c>resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an integer</c>.
/// Problems confined to one span (such as a bad id) never raise this; they are reported per span.
/// </summary>
public sealed class OtlpFormatException : Exception
{
    public OtlpFormatException()
        : base("The OTLP request body is malformed.")
    {
    }

    public OtlpFormatException(string message)
        : base(message)
    {
    }

    public OtlpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a problem at a location inside the request.</summary>
    /// <param name="location">
    /// Path of the offending field, e.g. <c>resourceSpans[0].scopeSpans[0]</c>; empty for the root.
    /// </param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The decoder's own exception, if any.</param>
    public OtlpFormatException(string location, string problem, Exception? innerException)
        : base(string.IsNullOrEmpty(location) ? problem : $"{location}: {problem}", innerException)
    {
        Location = location;
        Problem = problem;
    }

    /// <summary>Path of the offending field inside the request, empty for the root, null when unknown.</summary>
    public string? Location { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string? Problem { get; }
}
