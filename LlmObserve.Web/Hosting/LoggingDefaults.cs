namespace LlmObserve.Web.Hosting;

/// <summary>
/// Log categories whose detailed events carry request content: SignalR logs every hub invocation with its arguments
/// (a Blazor circuit's typed-in values, a password among them), Blazor Server logs interop calls and their
/// arguments, and the request log writes whole URLs with their query strings (search text, public keys). They are
/// held at <see cref="LogLevel.Information"/> or above whatever the configured default, so that turning the default
/// up to Debug or Trace to chase a fault cannot put a secret or a prompt in the log. An operator who really wants
/// one of them can still name a more specific category in configuration.
/// </summary>
public static class LoggingDefaults
{
    public static readonly IReadOnlyList<(string Category, LogLevel Minimum)> Floors =
    [
        ("Microsoft.AspNetCore.SignalR", LogLevel.Information),
        ("Microsoft.AspNetCore.Http.Connections", LogLevel.Information),
        ("Microsoft.AspNetCore.Components.Server", LogLevel.Information),
        ("Microsoft.AspNetCore.Components.RenderTree", LogLevel.Information),
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning),
        ("Microsoft.AspNetCore.HttpLogging", LogLevel.Warning),
        ("System.Net.Http.HttpClient", LogLevel.Warning),
    ];

    public static ILoggingBuilder AddLlmObserveLogFloors(this ILoggingBuilder logging)
    {
        foreach (var (category, minimum) in Floors)
        {
            logging.AddFilter(category, minimum);
        }

        return logging;
    }
}
