using LlmObserve.Core.Projects;
using LlmObserve.Web.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace LlmObserve.Web.Projects;

internal static class ProjectsServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveProjects(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<ProjectBootstrapper>();
        services.AddSingleton<FirstRunKeyStore>();
        services.AddSingleton<ApiKeyEndpointFilter>();
        services.AddSingleton<ApiKeyService>();
        services.AddScoped<ApiKeysViewModel>();
        services.AddScoped<CurrentProject>();

        // Keys that protect stored secrets live beside the database, so a container keeps them on its volume.
        services.AddDataProtection().SetApplicationName("LlmObserve");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
            options => options.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(sp.GetRequiredService<StoreLocation>().DataDirectory, "keys")),
                sp.GetRequiredService<ILoggerFactory>())));

        return services;
    }

    /// <summary>Runs first-run set-up once the store is migrated.</summary>
    public static WebApplication UseLlmObserveProjects(this WebApplication app)
    {
        var bootstrapper = app.Services.GetRequiredService<ProjectBootstrapper>();
        var result = bootstrapper.EnsureAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (result?.GeneratedKey is { } key)
        {
            app.Services.GetRequiredService<FirstRunKeyStore>().Keep(result.ProjectId, key);
        }

        return app;
    }
}
