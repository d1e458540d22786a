using LlmObserve.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmObserve.Tests.Hosting;

/// <summary>
/// Settings whose text is not of their type stop the start like range faults do: every one named at once, with
/// its value, through the <see cref="OptionsValidationException"/> the entry point turns into exit code 2.
/// </summary>
public sealed class ConfigurationTypeTests
{
    [Fact]
    public void Build_NonNumericAndNonBooleanSettings_ReportsEachWithItsValue()
    {
        string[] args =
        [
            "--LlmObserve:Evaluation:IntervalSeconds=abc",
            "--LlmObserve:Auth:LockoutFailures=many",
            "--LlmObserve:Evaluation:Enabled=perhaps",
            "--LlmObserve:Evaluation:SettleSeconds=5",
        ];

        var error = Assert.Throws<OptionsValidationException>(() => LlmObserveApp.Build(args));

        Assert.Equal(
            [
                "LlmObserve:Auth:LockoutFailures must be a whole number (was 'many').",
                "LlmObserve:Evaluation:Enabled must be true or false (was 'perhaps').",
                "LlmObserve:Evaluation:IntervalSeconds must be a number (was 'abc').",
            ],
            error.Failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Faults_ValuesOfTheRightType_FindsNothing()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LlmObserve:Evaluation:IntervalSeconds"] = "2.5",
                ["LlmObserve:Auth:LockoutFailures"] = "5",
                ["LlmObserve:Storage:Synchronous"] = "FULL",
                ["LlmObserve:Outbound:AllowedHosts"] = "judge.example",
            })
            .Build();

        var faults = ConfigurationTypeCheck.Faults<LlmObserve.Core.LlmObserveOptions>(
            configuration.GetSection("LlmObserve"));

        Assert.Empty(faults);
    }
}
