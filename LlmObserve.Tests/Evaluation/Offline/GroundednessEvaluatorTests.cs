using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

[Collection(EmbeddingModelCollection.Name)]
public sealed class GroundednessEvaluatorTests(EmbeddingModelFixture model)
{
    private const string Passage =
        "The Oberoi family is an Indian family famous for its hotels, run through The Oberoi Group. " +
        "The Oberoi Group is a hotel company with its head office in Delhi. It was founded in 1934.";

    private const string Question = "The Oberoi family runs a hotel company with its head office in what city?";

    private readonly GroundednessEvaluator _evaluator = new(model.Embedder);

    [Fact]
    public void Evaluate_NoRetrievedContext_SkipsWithReasonAndNoScore()
    {
        var input = new OfflineEvaluationInput(Question, "Delhi.", ["   "]);

        var result = _evaluator.Evaluate(input);

        Assert.True(result.IsSkipped);
        Assert.Null(result.Score);
        Assert.Equal("no retrieved context", result.Explanation);
    }

    [Fact]
    public void Evaluate_AnswerRestatingThePassage_IsGrounded()
    {
        var input = new OfflineEvaluationInput(Question, "The Oberoi Group has its head office in Delhi.", [Passage]);

        var result = _evaluator.Evaluate(input);

        Assert.Equal(OfflineLabels.Grounded, result.Label);
        Assert.InRange(result.Score!.Value, 0.7, 1.0);
    }

    [Fact]
    public void Evaluate_AnswerNamingACityTheContextLacks_ScoresBelowTheGroundedAnswer()
    {
        var grounded = _evaluator.Evaluate(new OfflineEvaluationInput(Question, "Delhi.", [Passage]));

        var invented = _evaluator.Evaluate(
            new OfflineEvaluationInput(Question, "Mumbai, the financial capital of India.", [Passage]));

        Assert.Equal(OfflineLabels.Hallucinated, invented.Label);
        Assert.True(invented.Score < grounded.Score, $"{invented.Score} should be below {grounded.Score}");
        Assert.DoesNotContain("Mumbai", invented.Explanation, StringComparison.Ordinal);
        Assert.Contains("2 numbers or names absent", invented.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_WrongYear_IsCountedAsAbsentNumber()
    {
        var right = _evaluator.Evaluate(
            new OfflineEvaluationInput("When was the Oberoi Group founded?", "It was founded in 1934.", [Passage]));

        var wrong = _evaluator.Evaluate(
            new OfflineEvaluationInput("When was the Oberoi Group founded?", "It was founded in 1952.", [Passage]));

        Assert.Contains("0 numbers or names absent", right.Explanation, StringComparison.Ordinal);
        Assert.Contains("1 numbers or names absent", wrong.Explanation, StringComparison.Ordinal);
        Assert.True(wrong.Score < right.Score, $"{wrong.Score} should be below {right.Score}");
    }

    [Fact]
    public void Evaluate_OneSupportedAndOneUnrelatedSentence_ExplainsBoth()
    {
        var input = new OfflineEvaluationInput(
            Question,
            "The Oberoi Group has its head office in Delhi. Its chairman Rajiv Kapoor won the Nobel Prize in 1987.",
            [Passage]);

        var result = _evaluator.Evaluate(input);

        Assert.StartsWith("1 of 2 sentences supported, 1 unsupported", result.Explanation, StringComparison.Ordinal);
    }
}
