using LlmObserve.Web.Components;
using LlmObserve.Web.Live;
using LlmObserve.Web.Storage;
using MudBlazor.Services;

namespace LlmObserve.Web.Hosting;

/// <summary>Builds the whole application; tests start it the same way on Kestrel at 127.0.0.1.</summary>
public static class LlmObserveApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddLlmObserveOptions(builder.Configuration);
        builder.Services.AddLlmObserveStore();
        builder.Services.AddLlmObserveIngestionWriter();
        builder.Services.AddLlmObserveJobs();
        builder.Services.AddLlmObserveLive();
        builder.Services.AddMudServices();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();

        app.UseLlmObserveStore();
        app.UseStaticFiles();
        app.UseAntiforgery();

        app.MapLlmObserveHealth();
        app.MapLlmObserveLive();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        return app;
    }
}
