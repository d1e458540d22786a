namespace LlmObserve.Web.Demo;

internal static class DemoServiceCollectionExtensions
{
    /// <summary>Registers demo mode; it does nothing unless <c>LlmObserve:Demo:Enabled</c> is true.</summary>
    public static IServiceCollection AddLlmObserveDemo(this IServiceCollection services)
    {
        // The client's own request logging is removed: live demo traffic would fill the log with a line per second.
        services.AddHttpClient(DemoTrafficService.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .RemoveAllLoggers();
        services.AddHostedService<DemoTrafficService>();

        return services;
    }
}
