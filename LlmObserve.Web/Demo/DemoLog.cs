namespace LlmObserve.Web.Demo;

/// <summary>Log events of demo mode, ids 3000–3099. No key, prompt or answer text is ever logged.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(3000, LogLevel.Information,
        "Demo traffic starting for project {ProjectId}, sending to {Endpoint}")]
    public static partial void Starting(ILogger logger, string projectId, Uri endpoint);

    [LoggerMessage(3001, LogLevel.Information,
        "Demo history present already; playing live traffic only")]
    public static partial void HistorySkipped(ILogger logger);

    [LoggerMessage(3002, LogLevel.Information,
        "Demo history playing: {TraceCount} traces over {Days} days")]
    public static partial void HistoryPlaying(ILogger logger, int traceCount, int days);

    [LoggerMessage(3003, LogLevel.Information,
        "Demo history played: {TraceCount} traces in {RequestCount} requests")]
    public static partial void HistoryPlayed(ILogger logger, int traceCount, int requestCount);

    [LoggerMessage(3004, LogLevel.Information,
        "Demo live traffic: one trace every {IntervalSeconds} s")]
    public static partial void LivePlaying(ILogger logger, double intervalSeconds);

    [LoggerMessage(3005, LogLevel.Debug,
        "Ingestion answered {StatusCode}; the demo waits {WaitSeconds} s as asked")]
    public static partial void Throttled(ILogger logger, int statusCode, double waitSeconds);

    [LoggerMessage(3006, LogLevel.Warning,
        "Demo request failed on attempt {Attempt}: {Reason}")]
    public static partial void SendFailed(ILogger logger, int attempt, string reason);

    [LoggerMessage(3007, LogLevel.Warning,
        "Demo request of {TraceCount} traces dropped after {Attempts} attempts")]
    public static partial void Dropped(ILogger logger, int traceCount, int attempts);

    [LoggerMessage(3008, LogLevel.Error,
        "Demo traffic stopped: the OTLP endpoint refused it with status {StatusCode}")]
    public static partial void Refused(ILogger logger, int statusCode);

    [LoggerMessage(3009, LogLevel.Warning,
        "Demo traffic not started: the server reports no HTTP address to send to")]
    public static partial void NoAddress(ILogger logger);

    [LoggerMessage(3010, LogLevel.Warning,
        "Demo traffic not started: the store has no project")]
    public static partial void NoProject(ILogger logger);

    [LoggerMessage(3011, LogLevel.Error,
        "Demo traffic stopped by an unexpected error")]
    public static partial void Crashed(ILogger logger, Exception exception);
}
