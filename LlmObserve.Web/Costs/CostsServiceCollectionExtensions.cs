using LlmObserve.Core.Costs;

namespace LlmObserve.Web.Costs;

internal static class CostsServiceCollectionExtensions
{
    /// <summary>
    /// The price table, its shared snapshot, the default-price seeder, the token estimator and the settings page's
    /// view model.
    /// </summary>
    public static IServiceCollection AddLlmObserveCosts(this IServiceCollection services)
    {
        services.AddSingleton<PriceTableProvider>();
        services.AddSingleton<ModelPriceService>();
        services.AddSingleton<ModelPriceSeeder>();
        services.AddSingleton(TokenEstimator.Shared);
        services.AddTransient<PriceSettingsViewModel>();

        return services;
    }

    /// <summary>Seeds the built-in prices once the store is migrated and loads the first price snapshot.</summary>
    public static WebApplication UseLlmObserveCosts(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LlmObserve.Costs");
        var report = app.Services.GetRequiredService<ModelPriceSeeder>()
            .SeedAsync(CancellationToken.None).GetAwaiter().GetResult();
        CostsLog.Seeded(logger, report.Added, report.Updated, report.LeftAlone);
        foreach (var conflict in report.Conflicts)
        {
            CostsLog.SeedConflict(logger, conflict);
        }

        var table = app.Services.GetRequiredService<PriceTableProvider>()
            .ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var problem in table.Problems)
        {
            CostsLog.UnusablePrice(logger, problem);
        }

        return app;
    }
}
