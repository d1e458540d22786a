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
        Assert.Contains(
            "2 numbers or names and 4 words in all absent",
            invented.Explanation,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_WrongYear_IsCountedAsAbsentNumber()
    {
        var right = _evaluator.Evaluate(
            new OfflineEvaluationInput("When was the Oberoi Group founded?", "It was founded in 1934.", [Passage]));

        var wrong = _evaluator.Evaluate(
            new OfflineEvaluationInput("When was the Oberoi Group founded?", "It was founded in 1952.", [Passage]));

        Assert.Contains("0 numbers or names and 0 words in all absent", right.Explanation, StringComparison.Ordinal);
        Assert.Contains("1 numbers or names and 1 words in all absent", wrong.Explanation, StringComparison.Ordinal);
        Assert.Equal(OfflineLabels.Grounded, right.Label);
        Assert.Equal(OfflineLabels.Hallucinated, wrong.Label);
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
        Assert.Contains("sentence 2 unsupported: 7 of its 7 new words", result.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("sentence 1 ", result.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Kapoor", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AnswerInOtherWordForms_FindsEveryWordInTheContext()
    {
        const string passage =
            "Estadio Único hosted the first show on 31 March 2016. The tour sold 1,200,000 tickets over nine weeks " +
            "and the stadium is owned by the province.";

        // Accents dropped, a plural made singular, digits for a number word, digit groups without commas.
        var result = _evaluator.Evaluate(new OfflineEvaluationInput(
            "Which stadium hosted the first show?",
            "The provinces own Estadio Unico, which sold 1200000 tickets in 9 weeks.",
            [passage]));

        Assert.Equal(OfflineLabels.Grounded, result.Label);
        Assert.Contains("0 numbers or names and 0 words in all absent", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NumberThatOnlyStartsAContextNumber_IsAbsent()
    {
        var result = _evaluator.Evaluate(new OfflineEvaluationInput(
            "How long is the track?",
            "The track is 6 km long.",
            ["The Mount Panorama Circuit is a 6.213 km long motor racing track."]));

        Assert.Equal(OfflineLabels.Hallucinated, result.Label);
        Assert.Contains("1 numbers or names and 1 words in all absent", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AnswerOnlyRepeatingTheQuestion_IsGroundedBelowAnAnswerTheContextHolds()
    {
        const string question = "Was the Oberoi Group founded in Delhi or in Mumbai?";

        var restated = _evaluator.Evaluate(new OfflineEvaluationInput(question, "It was founded in Delhi.", [Passage]));
        var found = _evaluator.Evaluate(new OfflineEvaluationInput(question, "It was founded in 1934.", [Passage]));

        Assert.Equal(OfflineLabels.Grounded, restated.Label);
        Assert.True(restated.Score < found.Score, $"{restated.Score} should be below {found.Score}");
    }

    [Fact]
    public void Evaluate_OneUnknownWordInOneOfTwoSentences_StaysGroundedAtTheMean()
    {
        var result = _evaluator.Evaluate(new OfflineEvaluationInput(
            Question,
            "The Oberoi Group has its head office in Delhi. It was founded in 1934 by a wealthy family.",
            [Passage]));

        Assert.Equal(0.75, result.Score!.Value, 2);
        Assert.Equal(OfflineLabels.Grounded, result.Label);
        Assert.Contains("sentence 2 unsupported: 1 of its ", result.Explanation, StringComparison.Ordinal);
    }
}
