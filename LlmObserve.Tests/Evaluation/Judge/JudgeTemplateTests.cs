using LlmObserve.Core.Evaluation.Judge;

namespace LlmObserve.Tests.Evaluation.Judge;

public sealed class JudgeTemplateTests
{
    [Fact]
    public void Validate_BuiltInTemplates_HaveNoErrors()
    {
        var errors = JudgeTemplates.BuiltIn.SelectMany(template => template.Validate()).ToList();

        Assert.Empty(errors);
        Assert.Equal(5, JudgeTemplates.BuiltIn.Count);
    }

    [Fact]
    public void Validate_UnknownVariable_IsRefusedByName()
    {
        var template = new JudgeTemplate
        {
            Name = "custom",
            Prompt = "Compare {{output}} with {{reference_answer}} given {{ metadata }}.",
        };

        var errors = template.Validate();

        var error = Assert.Single(errors);
        Assert.Contains("{{reference_answer}}", error);
    }

    [Fact]
    public void Validate_AllProblems_AreReportedTogether()
    {
        var template = new JudgeTemplate
        {
            Name = "custom",
            Prompt = "{{answer}} and {{question}}",
            Scale = new JudgeScoreScale(5, 1),
            Labels = [new("good", 2), new("Good", 1)],
        };

        var errors = template.Validate();

        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Evaluator_InvalidTemplate_IsRefusedAtConstruction()
    {
        var template = new JudgeTemplate { Name = "custom", Prompt = "Judge {{outptu}}." };
        var client = new JudgeClient(
            new JudgeEndpointOptions { Endpoint = new Uri("http://127.0.0.1:9/v1"), Model = "m" },
            new JudgeEndpointLimiter(),
            TimeProvider.System,
            new CapturingLogger<JudgeClient>());

        var error = Assert.Throws<ArgumentException>(() => new JudgeEvaluator(
            "custom",
            template,
            JudgeBudget.Unlimited,
            client,
            new JudgeSpendLedger(),
            TimeProvider.System,
            new CapturingLogger<JudgeEvaluator>()));

        Assert.Contains("{{outptu}}", error.Message);
    }

    [Fact]
    public void Render_TraceTextThatLooksLikeAVariable_IsNotExpandedAgain()
    {
        var input = new JudgeInput("Q {{context}}", "A", ["secret context"], Metadata: new Dictionary<string, string>
        {
            ["env"] = "prod",
            ["app"] = "faq",
        });

        var (prompt, skip) = JudgeTemplateVariables.Render("{{input}} | {{metadata}}", input);

        Assert.Null(skip);
        Assert.Equal("Q {{context}} | app: faq\nenv: prod", prompt);
    }

    [Theory]
    [InlineData("{{input}}", "no input")]
    [InlineData("{{metadata}}", "no metadata")]
    [InlineData("{{expected_output}}", "no expected output")]
    public void Render_TraceLackingAVariable_GivesTheReason(string prompt, string reason)
    {
        var input = new JudgeInput(" ", "A", []);

        var (rendered, skip) = JudgeTemplateVariables.Render(prompt, input);

        Assert.Null(rendered);
        Assert.Contains(reason, skip);
    }

    [Fact]
    public void Options_Validate_ReportsEveryProblemWithoutTheKey()
    {
        var options = new JudgeEndpointOptions
        {
            Provider = JudgeProvider.AzureOpenAI,
            Endpoint = new Uri("ftp://127.0.0.1/"),
            Model = "",
            ApiKey = "",
            Timeout = TimeSpan.Zero,
            MaxConcurrency = 0,
        };

        var errors = options.Validate();

        Assert.Equal(5, errors.Count);
    }
}
