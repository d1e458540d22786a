namespace LlmObserve.Web.Components;

/// <summary>
/// Addresses of the app's pages, in one place so a link never drifts from the names a page reads from its URL.
/// </summary>
internal static class PageLinks
{
    public static string Trace(string traceId) => "traces/" + Uri.EscapeDataString(traceId);

    public static string Span(string traceId, string spanId)
        => Trace(traceId) + "?span=" + Uri.EscapeDataString(spanId);

    public static string Session(string sessionId) => "sessions/" + Uri.EscapeDataString(sessionId);

    public static string User(string userId) => "users/" + Uri.EscapeDataString(userId);

    /// <summary>The trace list filtered to one user, by the list's (and the API's) <c>userId</c>.</summary>
    public static string TracesOfUser(string userId) => "traces?userId=" + Uri.EscapeDataString(userId);
}
