using LlmObserve.Core.Evaluation.Judge;

namespace LlmObserve.Tests.Evaluation.Judge;

public sealed class JudgeReplyParserTests
{
    private static readonly JudgeTemplate TenPointScale = new()
    {
        Name = "helpfulness",
        Prompt = "Rate how helpful {{output}} is.",
        Scale = new JudgeScoreScale(0, 10),
    };

    [Theory]
    [InlineData("""{"label": "grounded", "score": 0.8, "explanation": "ok"}""", 0.8)]
    [InlineData("""{"Label": "Grounded", "Score": "0.8", "Explanation": "ok"}""", 0.8)]
    [InlineData("""{"label": "grounded", "score": "80%", "explanation": "ok"}""", 0.8)]
    [InlineData("""{"label": "grounded", "score": "4/5", "explanation": "ok"}""", 0.8)]
    [InlineData("""{"label": "grounded", "score": 0.8, "explanation": "ok",}""", 0.8)]
    public void Parse_ScoreInAnyCommonForm_ReadsTheSameScore(string reply, double expected)
    {
        var parse = JudgeReplyParser.Parse(reply, JudgeTemplates.Groundedness);

        Assert.True(parse.IsParsed, parse.Failure);
        Assert.Equal(expected, parse.Verdict!.Score, 1e-12);
        Assert.Equal("grounded", parse.Verdict.Label);
        Assert.Equal("ok", parse.Verdict.Explanation);
    }

    [Fact]
    public void Parse_ScoreOnTheTemplatesOwnScale_IsMappedToUnit()
    {
        var parse = JudgeReplyParser.Parse("""{"score": 7, "explanation": "mostly"}""", TenPointScale);

        Assert.Equal(0.7, parse.Verdict!.Score, 1e-12);
        Assert.Null(parse.Verdict.Label);
    }

    [Theory]
    [InlineData("""{"score": 8, "explanation": "out of 10?"}""")]
    [InlineData("""{"score": -0.1}""")]
    [InlineData("""{"score": "high"}""")]
    [InlineData("""{"score": null, "label": "banana"}""")]
    [InlineData("""{"explanation": "I forgot the rest"}""")]
    [InlineData("""{"label": "not grounded"}""")]
    [InlineData("The answer is not grounded.")]
    [InlineData("It could be grounded or hallucinated, hard to say.")]
    [InlineData("")]
    public void Parse_ReplyWithoutAReadableScore_FailsInsteadOfGuessing(string reply)
    {
        var parse = JudgeReplyParser.Parse(reply, JudgeTemplates.Groundedness);

        Assert.False(parse.IsParsed);
        Assert.Null(parse.Verdict);
        Assert.False(string.IsNullOrWhiteSpace(parse.Failure));
    }

    [Fact]
    public void Parse_LabelWithoutScore_TakesTheScoreTheTemplateGivesTheLabel()
    {
        var parse = JudgeReplyParser.Parse("""{"label": "HALLUCINATED", "explanation": "made up"}""",
            JudgeTemplates.Groundedness);

        Assert.Equal("hallucinated", parse.Verdict!.Label);
        Assert.Equal(0, parse.Verdict.Score);
    }

    [Fact]
    public void Parse_ScoreWithoutLabel_TakesTheNearestLabel()
    {
        var parse = JudgeReplyParser.Parse("""{"score": 0.3}""", JudgeTemplates.Groundedness);

        Assert.Equal("hallucinated", parse.Verdict!.Label);
        Assert.Equal(0.3, parse.Verdict.Score, 1e-12);
    }

    [Fact]
    public void Parse_JsonWithBracesInsideStrings_FindsTheWholeObject()
    {
        const string reply = """Verdict follows {"label": "grounded", "score": 1, "explanation": "quotes {x} fine"}.""";

        var parse = JudgeReplyParser.Parse(reply, JudgeTemplates.Groundedness);

        Assert.Equal("quotes {x} fine", parse.Verdict!.Explanation);
    }

    [Fact]
    public void Parse_ProseWithOneLabel_ReadsTheLabelAndItsScore()
    {
        var parse = JudgeReplyParser.Parse(
            "LABEL: irrelevant\nEXPLANATION: it talks about cooking.",
            JudgeTemplates.AnswerRelevance);

        Assert.Equal("irrelevant", parse.Verdict!.Label);
        Assert.Equal(0, parse.Verdict.Score);
        Assert.Equal("it talks about cooking.", parse.Verdict.Explanation);
    }
}
