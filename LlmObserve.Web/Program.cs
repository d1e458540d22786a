using LlmObserve.Web.Hosting;
using Microsoft.Extensions.Options;

if (args.Length > 0 && args[0] == "healthcheck")
{
    // The container image has no curl; its HEALTHCHECK asks the running app through this.
    return await HealthCheckCommand.RunAsync(args[1..]);
}

try
{
    var app = LlmObserveApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // Every configuration fault at once, without a stack trace: the operator has settings to fix, not code.
    await Console.Error.WriteLineAsync("LlmObserve cannot start: the configuration is invalid.");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + failure);
    }

    return 2;
}
