using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

public sealed class RefusalEvaluatorTests
{
    private readonly RefusalEvaluator _evaluator = new();

    [Theory]
    [InlineData("I'm sorry, but I can't help with that request.", "en")]
    [InlineData("I cannot provide instructions for building weapons.", "en")]
    [InlineData("As an AI language model, I can't share personal opinions.", "en")]
    [InlineData("Here is context. I must decline to answer that.", "en")]
    [InlineData("Désolé, mais je ne peux pas vous aider avec cela.", "fr")]
    [InlineData("Es tut mir leid, aber ich kann Ihnen dabei nicht helfen.", "de")]
    [InlineData("Lo siento, pero no puedo ayudar con esa solicitud.", "es")]
    [InlineData("Mi dispiace, ma non posso aiutarti con questo.", "it")]
    [InlineData("Desculpe, mas não posso ajudar com isso.", "pt")]
    [InlineData("Sorry, maar ik kan je daar niet mee helpen.", "nl")]
    public void Evaluate_Refusal_IsLabelledWithItsLanguage(string output, string language)
    {
        var result = _evaluator.Evaluate(OfflineEvaluationInput.ForOutput(output));

        Assert.Equal(OfflineLabels.Refusal, result.Label);
        Assert.Equal(1, result.Score);
        Assert.Contains($"({language})", result.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("I can't wait to help you plan the trip!")]
    [InlineData("I can't help but notice the invoice is overdue; here is how to pay it.")]
    [InlineData("Your refund was issued. I cannot stress enough how sorry we are for the delay.")]
    [InlineData("The policy says: \"we cannot provide refunds after 30 days\", but you are within the window.")]
    [InlineData("Step one is done. Step two is done. Finally, if the printer says I can't print, restart it.")]
    [InlineData("Je ne peux pas attendre de vous montrer la suite : voici le plan.")]
    public void Evaluate_AnswerWithRefusalLikeWords_IsNotARefusal(string output)
    {
        var result = _evaluator.Evaluate(OfflineEvaluationInput.ForOutput(output));

        Assert.Equal(OfflineLabels.Answer, result.Label);
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public void Evaluate_EmptyOutput_Skips()
    {
        var result = _evaluator.Evaluate(OfflineEvaluationInput.ForOutput(" "));

        Assert.True(result.IsSkipped);
    }
}
