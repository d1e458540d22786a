using System.Net;
using LlmObserve.Core;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// Adds the security headers to every response, pages and API alike, just before it starts, so that error pages and
/// problems written after the exception handler cleared the response carry them too.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next, LlmObserveOptions options)
{
    private readonly string _policy = ContentSecurityPolicy(options.Security);
    private readonly string _hsts = $"max-age={options.Security.HstsMaxAgeSeconds}";

    /// <summary>
    /// The Content-Security-Policy. Scripts only from the app's own files (Blazor, MudBlazor, the annotation script
    /// and Plotly, which Plotly.Blazor loads from the app); no eval, which neither Blazor Server nor Plotly needs.
    /// Inline styles are allowed: MudBlazor sets style attributes, Plotly and Blazor's reconnect dialog insert
    /// style elements. connect-src 'self' covers the SignalR circuit's WebSocket on the same host and port.
    /// Images may be data: URIs (Plotly's and MudBlazor's embedded icons) or blob: (a chart saved as a picture).
    /// </summary>
    public static string ContentSecurityPolicy(SecurityOptions security)
    {
        var connect = Join("'self'", security.ExtraConnectSources);
        var formAction = Join("'self'", security.ExtraFormActionSources);
        return string.Join(
            "; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src " + connect,
            "worker-src 'self' blob:",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action " + formAction);
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = _policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] =
                "camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), gyroscope=(), "
                + "magnetometer=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (context.Request.IsHttps && !IsLoopback(context.Request.Host.Host))
            {
                headers.StrictTransportSecurity = _hsts;
            }

            return Task.CompletedTask;
        });

        return next(context);
    }

    /// <summary>
    /// HSTS on localhost would stick to every other local app on that name, so loopback never gets it.
    /// </summary>
    internal static bool IsLoopback(string host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string Join(string first, string extra)
        => string.IsNullOrWhiteSpace(extra) ? first : first + " " + string.Join(' ', extra.Split(
            ' ',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
