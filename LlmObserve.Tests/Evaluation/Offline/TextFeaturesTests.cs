using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

public sealed class TextFeaturesTests
{
    [Theory]
    [InlineData("stores", "store")]
    [InlineData("founded", "founding")]
    [InlineData("Único", "unico")]
    [InlineData("nine", "9")]
    [InlineData("1,200", "1200")]
    [InlineData("Hughes'", "Hughes")]
    [InlineData("Mike's", "Mike")]
    [InlineData("countries", "country")]
    public void TermSet_TwoFormsOfOneWord_GiveOneTerm(string left, string right)
    {
        var leftTerms = TextFeatures.TermSet(left);
        var rightTerms = TextFeatures.TermSet(right);

        Assert.Equal(leftTerms, rightTerms);
    }

    [Theory]
    [InlineData("6", "6.213")]
    [InlineData("2008", "2006")]
    [InlineData("Clark", "Clarkson")]
    public void TermSet_DifferentWords_StayApart(string left, string right)
    {
        var leftTerms = TextFeatures.TermSet(left);
        var rightTerms = TextFeatures.TermSet(right);

        Assert.Empty(leftTerms.Intersect(rightTerms));
    }

    [Fact]
    public void ContentTerms_Sentence_DropsStopWordsAndMarksNamesAndNumbers()
    {
        var terms = TextFeatures.ContentTerms("The group was founded by Mohan Oberoi in 1934 in a small hotel.");

        Assert.Equal(
            [
                new Term("group", false), new Term("found", false), new Term("mohan", true),
                new Term("oberoi", true), new Term("1934", true), new Term("small", false), new Term("hotel", false),
            ],
            terms);
    }
}
