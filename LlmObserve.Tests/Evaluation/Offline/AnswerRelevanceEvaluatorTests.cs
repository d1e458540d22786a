using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

[Collection(EmbeddingModelCollection.Name)]
public sealed class AnswerRelevanceEvaluatorTests(EmbeddingModelFixture model)
{
    private readonly AnswerRelevanceEvaluator _evaluator = new(model.Embedder);

    [Fact]
    public void Evaluate_DirectAnswer_IsRelevantAndAboveAnOffTopicOne()
    {
        const string question = "How do I reset my account password?";

        var direct = _evaluator.Evaluate(new OfflineEvaluationInput(
            question,
            "Open Settings, choose Security and click Reset password; we e-mail you a link.",
            []));
        var offTopic = _evaluator.Evaluate(new OfflineEvaluationInput(
            question,
            "Bananas are rich in potassium and grow in tropical climates.",
            []));

        Assert.Equal(OfflineLabels.Relevant, direct.Label);
        Assert.Equal(OfflineLabels.Irrelevant, offTopic.Label);
        Assert.True(direct.Score > offTopic.Score + 0.4, $"{direct.Score} vs {offTopic.Score}");
    }

    [Fact]
    public void Evaluate_NoQuestion_Skips()
    {
        var result = _evaluator.Evaluate(OfflineEvaluationInput.ForOutput("Anything at all."));

        Assert.True(result.IsSkipped);
        Assert.Null(result.Score);
        Assert.Equal("no question or input text", result.Explanation);
    }
}
