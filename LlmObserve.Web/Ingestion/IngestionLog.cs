namespace LlmObserve.Web.Ingestion;

/// <summary>
/// Log events of the ingestion endpoints (ids 1000–1019). They name the project, the route and why a request
/// was refused, never its content or key. Saturation is logged once per episode by the writer.
/// </summary>
internal static partial class IngestionLog
{
    [LoggerMessage(
        EventId = 1000,
        Level = LogLevel.Information,
        Message = "Ingestion refused a request to {Route} for project {ProjectId}: {StatusCode} {Reason}")]
    public static partial void Refused(ILogger logger, string route, string? projectId, int statusCode, string reason);

    [LoggerMessage(
        EventId = 1001,
        Level = LogLevel.Debug,
        Message = "Ingestion kept {Accepted} spans and rejected {Rejected} at {Route} for project {ProjectId}")]
    public static partial void Partial(ILogger logger, string route, string projectId, int accepted, int rejected);
}
