using LlmObserve.Web.Datasets;
using LlmObserve.Web.Hosting;
using Microsoft.Extensions.Options;

if (args.Length > 0 && args[0] == "healthcheck")
{
    // The container image has no curl; its HEALTHCHECK asks the running app through this.
    return await HealthCheckCommand.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "gate")
{
    // CI's quality gate: exit 1 when an experiment falls below its thresholds (README, "The CI gate").
    return await GateCommand.RunAsync(args[1..]);
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
