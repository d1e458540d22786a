using System.Text.Json;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Evaluation.Offline;

/// <summary>
/// The cases of reference/groundedness-reference-cases.json that apply to the offline evaluators: ROUGE
/// overlap (RG) and the aggregation of per-claim verdicts (DE, RA-05). Judge label parsing (PX), agreement (KP),
/// judge scales (TL), context precision (RA-03/04) and SelfCheckGPT (SG) belong to parts not built here.
/// </summary>
public sealed class ReferenceCaseTests
{
    private static readonly Dictionary<string, JsonElement> Cases = LoadCases();

    [Theory]
    [InlineData("RG-01")]
    [InlineData("RG-05")]
    public void Rouge1_ReferenceCase_MatchesPublishedFigures(string id)
    {
        var inputs = Cases[id].GetProperty("inputs");

        var score = RougeScore.Rouge1(
            inputs.GetProperty("target").GetString()!,
            inputs.GetProperty("prediction").GetString()!);

        AssertOverlap(Cases[id], score);
    }

    [Fact]
    public void RougeL_NonConsecutiveReferenceCase_MatchesPublishedFigures()
    {
        var inputs = Cases["RG-04"].GetProperty("inputs");

        var score = RougeScore.RougeL(
            inputs.GetProperty("target").GetString()!,
            inputs.GetProperty("prediction").GetString()!);

        AssertOverlap(Cases["RG-04"], score);
    }

    [Theory]
    [InlineData("DE-02")]
    [InlineData("DE-03")]
    public void FaithfulFraction_DeepEvalCase_MatchesScore(string id)
    {
        var inputs = Cases[id].GetProperty("inputs");
        var verdicts = inputs.GetProperty("claim_verdicts").EnumerateArray()
            .Select(verdict => verdict.GetString() switch
            {
                "yes" => SupportVerdict.Supported,
                "no" => SupportVerdict.Unsupported,
                _ => SupportVerdict.Unsure,
            })
            .ToArray();

        var score = SupportVerdicts.FaithfulFraction(
            verdicts,
            inputs.GetProperty("penalize_ambiguous_claims").GetBoolean());

        Assert.NotNull(score);
        Assert.Equal(Expected(id, "score"), score.Value, Tolerance(id));
    }

    [Fact]
    public void FaithfulFraction_RagasCase_IsSupportedOverTotal()
    {
        var verdicts = Cases["RA-05"].GetProperty("inputs").GetProperty("statement_verdicts").EnumerateArray()
            .Select(verdict => verdict.GetInt32() == 1 ? SupportVerdict.Supported : SupportVerdict.Unsupported)
            .ToArray();

        var score = SupportVerdicts.FaithfulFraction(verdicts, penalizeUnsure: true);

        Assert.NotNull(score);
        Assert.Equal(Expected("RA-05", "score"), score.Value, Tolerance("RA-05"));
    }

    [Fact]
    public void FaithfulFraction_NoClaims_IsNullNotAScore()
    {
        var score = SupportVerdicts.FaithfulFraction([], penalizeUnsure: false);

        Assert.Null(score);
    }

    private static void AssertOverlap(JsonElement testCase, OverlapScore score)
    {
        var id = testCase.GetProperty("id").GetString()!;
        Assert.Equal(Expected(id, "precision"), score.Precision, Tolerance(id));
        Assert.Equal(Expected(id, "recall"), score.Recall, Tolerance(id));
        Assert.Equal(Expected(id, "f1"), score.F1, Tolerance(id));
    }

    private static double Expected(string id, string name) =>
        Cases[id].GetProperty("expected").GetProperty(name).GetDouble();

    private static double Tolerance(string id) =>
        Cases[id].GetProperty("tolerance").TryGetProperty("abs", out var abs) ? abs.GetDouble() : 1e-12;

    private static Dictionary<string, JsonElement> LoadCases()
    {
        var path = Path.Combine(RepoPaths.Root, "reference", "groundedness-reference-cases.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(testCase => testCase.GetProperty("id").GetString()!, testCase => testCase.Clone());
    }
}
