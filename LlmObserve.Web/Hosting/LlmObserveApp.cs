using LlmObserve.Core;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Alerts;
using LlmObserve.Web.Annotation;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Components;
using LlmObserve.Web.Costs;
using LlmObserve.Web.Datasets;
using LlmObserve.Web.Demo;
using LlmObserve.Web.Drift;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Feedback;
using LlmObserve.Web.Ingestion;
using LlmObserve.Web.Live;
using LlmObserve.Web.Overview;
using LlmObserve.Web.Projects;
using LlmObserve.Web.Quality;
using LlmObserve.Web.Sessions;
using LlmObserve.Web.Storage;
using LlmObserve.Web.Traces;
using MudBlazor.Services;

namespace LlmObserve.Web.Hosting;

/// <summary>Builds the whole application; tests start it the same way on Kestrel at 127.0.0.1.</summary>
public static class LlmObserveApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application name is fixed so static web assets resolve the same way when a test host starts the app.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(LlmObserveApp).Assembly.GetName().Name,
        });

        // Serves the component library's assets when run from build output (dotnet run); a no-op when published.
        builder.WebHost.UseStaticWebAssets();
        configure?.Invoke(builder);

        builder.Logging.AddLlmObserveLogFloors();
        builder.Services.AddLlmObserveOptions(builder.Configuration);
        builder.Services.AddLlmObserveSecurity();
        builder.Services.AddLlmObserveStore();
        builder.Services.AddLlmObserveProjects();
        builder.Services.AddLlmObserveAudit();
        builder.Services.AddLlmObserveAccounts(builder.Configuration);
        builder.Services.AddLlmObserveProjectLifecycle();
        builder.Services.AddLlmObserveCosts();
        builder.Services.AddLlmObserveIngestion();
        builder.Services.AddLlmObserveIngestionWriter();
        builder.Services.AddLlmObserveJobs();
        builder.Services.AddLlmObserveEvaluation();
        builder.Services.AddLlmObserveDriftFeatures();
        builder.Services.AddLlmObserveFeedback();
        builder.Services.AddLlmObserveAnnotation();
        builder.Services.AddLlmObserveDriftMonitors();
        builder.Services.AddLlmObserveDatasets();
        builder.Services.AddLlmObserveLive();
        builder.Services.AddLlmObserveAlerts();
        builder.Services.AddLlmObserveTraces();
        builder.Services.AddLlmObserveOverview();
        builder.Services.AddLlmObserveQuality();
        builder.Services.AddLlmObserveDemo();
        builder.Services.AddLlmObserveErrors();
        builder.Services.AddMudServices();
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents()
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = builder.Configuration.GetValue(
                "LlmObserve:Security:MaxHubMessageBytes",
                new SecurityOptions().MaxHubMessageBytes));

        var app = builder.Build();

        app.UseLlmObserveSecurityHeaders();
        app.UseLlmObserveErrors();
        app.UseLlmObserveRequestLimits();
        app.UseLlmObserveStore();
        app.UseLlmObserveProjects();
        app.UseLlmObserveCosts();
        app.UseLlmObserveEvaluation();
        app.UseLlmObserveFeedback();
        app.UseStaticFiles();
        app.UseLlmObserveAccounts();
        app.UseAntiforgery();

        app.MapLlmObserveAccounts();
        app.MapLlmObserveHealth();
        app.MapLlmObserveIngestion();
        app.MapLlmObserveProjectApi();
        app.MapLlmObserveLive();
        app.MapLlmObserveTraces();
        app.MapLlmObserveSessions();
        app.MapLlmObserveOverview();
        app.MapLlmObserveEvaluation();
        app.MapLlmObserveFeedback();
        app.MapLlmObserveAnnotation();
        app.MapLlmObserveDatasets();
        app.MapLlmObserveQuality();
        app.MapLlmObserveAlerts();
        app.MapLlmObserveDrift();
        app.MapLlmObserveApiKeys();
        app.MapLlmObserveAudit();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        return app;
    }
}
