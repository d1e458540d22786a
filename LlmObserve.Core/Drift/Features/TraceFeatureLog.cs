using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Drift.Features;

internal static partial class TraceFeatureLog
{
    [LoggerMessage(
        EventId = 6100,
        Level = LogLevel.Information,
        Message = "Feature models loaded in {Milliseconds:0} ms")]
    public static partial void Loaded(this ILogger logger, double milliseconds);

    [LoggerMessage(
        EventId = 6101,
        Level = LogLevel.Debug,
        Message = "Feature pass for {ProjectId}: {Featured} featured, cursor {From} → {To}, in {Milliseconds:0} ms")]
    public static partial void PassDone(
        this ILogger logger,
        string projectId,
        int featured,
        long from,
        long to,
        double milliseconds);

    [LoggerMessage(
        EventId = 6102,
        Level = LogLevel.Information,
        Message = "Features of project {ProjectId} start (version {Version}) after trace row {CursorRowId}")]
    public static partial void CursorStarted(this ILogger logger, string projectId, int version, long cursorRowId);

    [LoggerMessage(
        EventId = 6103,
        Level = LogLevel.Error,
        Message = "Features of trace {TraceId} could not be computed; it is left without features")]
    public static partial void Failed(this ILogger logger, Exception error, string traceId);
}
