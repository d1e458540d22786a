using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

/// <summary>
/// One detector for the class: Lingua loads its language models when built, so the one the evaluation job tests
/// load is shared.
/// </summary>
public sealed class LanguageEvaluatorFixture
{
    public LanguageEvaluator Evaluator { get; } =
        (LanguageEvaluator)SharedOfflineModels.Catalog.Get(EvaluatorKinds.Language);
}

public sealed class LanguageEvaluatorTests(LanguageEvaluatorFixture fixture)
    : IClassFixture<LanguageEvaluatorFixture>
{
    [Theory]
    [InlineData("Your order has shipped and should arrive within three business days.", "en")]
    [InlineData("Votre commande a été expédiée et devrait arriver sous trois jours ouvrés.", "fr")]
    [InlineData("Ihre Bestellung wurde versandt und sollte in drei Werktagen ankommen.", "de")]
    [InlineData("Su pedido ha sido enviado y debería llegar en tres días hábiles.", "es")]
    [InlineData("Ваш заказ отправлен и прибудет в течение трёх рабочих дней.", "ru")]
    public void Evaluate_Sentence_NamesItsLanguageConfidently(string output, string language)
    {
        var result = fixture.Evaluator.Evaluate(OfflineEvaluationInput.ForOutput(output));

        Assert.Equal(language, result.Label);
        Assert.InRange(result.Score!.Value, LanguageEvaluator.MinimumConfidence, 1.0);
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("42 / 7 = 6")]
    public void Evaluate_TooShortToTell_IsUnknown(string output)
    {
        var result = fixture.Evaluator.Evaluate(OfflineEvaluationInput.ForOutput(output));

        Assert.Equal(OfflineLabels.UnknownLanguage, result.Label);
    }
}
