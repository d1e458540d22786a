using Quartz;

namespace LlmObserve.Web.Hosting;

internal static class JobsServiceCollectionExtensions
{
    /// <summary>Registers the Quartz scheduler; each capability adds its own jobs to it.</summary>
    public static IServiceCollection AddLlmObserveJobs(this IServiceCollection services)
    {
        services.AddQuartz();
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);

        return services;
    }
}
