using LlmObserve.Web.Hosting;

if (args.Length > 0 && args[0] == "healthcheck")
{
    // The container image has no curl; its HEALTHCHECK asks the running app through this.
    return await HealthCheckCommand.RunAsync(args[1..]);
}

var app = LlmObserveApp.Build(args);
await app.RunAsync();
return 0;
