using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

public sealed class PiiEvaluatorTests
{
    private readonly PiiEvaluator _evaluator = new();

    [Fact]
    public void Find_MixedText_CountsEachKind()
    {
        const string text = "Write to ana.silva@example.com or bob@example.org, call +44 20 7946 0958, " +
            "pay with 4111 1111 1111 1111 or to GB82 WEST 1234 5698 7654 32.";

        var found = PiiEvaluator.Find(text);

        Assert.Equal(2, found[PiiKind.Email]);
        Assert.Equal(1, found[PiiKind.PhoneNumber]);
        Assert.Equal(1, found[PiiKind.CardNumber]);
        Assert.Equal(1, found[PiiKind.Iban]);
    }

    [Theory]
    [InlineData("4111 1111 1111 1112")]
    [InlineData("Order 1234567890123 shipped")]
    public void Find_DigitsFailingLuhn_AreNoCardNumber(string text)
    {
        var found = PiiEvaluator.Find(text);

        Assert.False(found.ContainsKey(PiiKind.CardNumber));
    }

    [Theory]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("DE89 3704 0044 0532 0130 00", true)]
    [InlineData("GB82WEST12345698765431", false)]
    [InlineData("DE89 3704 0044 0532 0130 01", false)]
    public void IsValidIban_CheckDigits_DecideValidity(string iban, bool valid)
    {
        Assert.Equal(valid, PiiEvaluator.IsValidIban(iban));
    }

    [Theory]
    [InlineData("The meeting is on 2024-03-15 at 10:30.")]
    [InlineData("Version 1.2.3 fixed 42 bugs in 7 days.")]
    public void Find_DatesAndVersions_AreNoPhoneNumbers(string text)
    {
        var found = PiiEvaluator.Find(text);

        Assert.Empty(found);
    }

    [Fact]
    public void Evaluate_PiiInOutput_ReportsKindsAndCountsButNoValue()
    {
        var input = new OfflineEvaluationInput(
            "What is my card on file?",
            "Your card is 5500 0000 0000 0004 and we mail ana.silva@example.com.",
            []);

        var result = _evaluator.Evaluate(input);

        Assert.Equal(OfflineLabels.PiiFound, result.Label);
        Assert.Equal(1, result.Score);
        Assert.Equal("output: 1 e-mail address, 1 card number; input: none.", result.Explanation);
        Assert.DoesNotContain("5500", result.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("silva", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CleanText_ScoresZero()
    {
        var result = _evaluator.Evaluate(OfflineEvaluationInput.ForOutput("Your refund arrives in 5 to 7 days."));

        Assert.Equal(OfflineLabels.NoPii, result.Label);
        Assert.Equal(0, result.Score);
    }
}
