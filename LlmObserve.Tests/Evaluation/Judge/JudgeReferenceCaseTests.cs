using System.Text.Json;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Evaluation.Judge;

/// <summary>
/// The cases of reference/groundedness-reference-cases.json about reading judge replies: label snapping (PX),
/// chain-of-thought label extraction (PX-CoT) and judge scales (TL). Agreement (KP) belongs to calibration.
/// </summary>
public sealed class JudgeReferenceCaseTests
{
    private static readonly Dictionary<string, JsonElement> Cases = LoadCases();

    [Theory]
    [InlineData("PX-01")]
    [InlineData("PX-02")]
    [InlineData("PX-04")]
    [InlineData("PX-05")]
    [InlineData("PX-06")]
    [InlineData("PX-07")]
    public void Snap_PhoenixRailCase_GivesTheExpectedLabel(string id)
    {
        var inputs = Cases[id].GetProperty("inputs");
        var rails = inputs.GetProperty("rails").EnumerateArray().Select(rail => rail.GetString()!).ToList();

        var label = LabelRails.Snap(inputs.GetProperty("raw").GetString()!, rails);

        var expected = Cases[id].GetProperty("expected").GetProperty("label").GetString();
        Assert.Equal(expected == "NOT_PARSABLE" ? null : expected, label);
    }

    [Theory]
    [InlineData("PX-CoT-03")]
    [InlineData("PX-CoT-04")]
    public void LabelText_PhoenixChainOfThoughtCase_ExtractsAndSnapsTheLabel(string id)
    {
        var raw = Cases[id].GetProperty("inputs").GetProperty("raw").GetString()!;
        var expected = Cases[id].GetProperty("expected");
        var template = new JudgeTemplate
        {
            Name = "hallucination",
            Prompt = "{{output}}",
            Labels = [new("factual", 1), new("hallucinated", 0)],
        };

        var labelText = LabelRails.LabelText(raw);
        var parse = JudgeReplyParser.Parse(raw, template);

        Assert.Equal(expected.GetProperty("label_text").GetString(), labelText);
        Assert.Equal(expected.GetProperty("after_snap_to_rail_factual_hallucinated").GetString(), parse.Verdict?.Label);
    }

    [Theory]
    [InlineData("TL-01")]
    [InlineData("TL-02")]
    public void Parse_TruLensScaleCase_NormalisesEachReplyToTheExpectedMean(string id)
    {
        var inputs = Cases[id].GetProperty("inputs");
        var scale = inputs.GetProperty("scale").EnumerateArray().Select(bound => bound.GetDouble()).ToArray();
        var template = new JudgeTemplate
        {
            Name = "groundedness",
            Prompt = "{{context}} {{output}}",
            Scale = new JudgeScoreScale(scale[0], scale[1]),
        };

        var scores = inputs.GetProperty("sentence_scores").EnumerateArray()
            .Select(score => JudgeReplyParser.Parse($$"""{"score": {{score.GetRawText()}}}""", template))
            .Select(parse => parse.Verdict!.Score)
            .ToList();

        var expected = Cases[id].GetProperty("expected").GetProperty("score").GetDouble();
        Assert.Equal(expected, scores.Average(), 1e-12);
    }

    private static Dictionary<string, JsonElement> LoadCases()
    {
        var path = Path.Combine(RepoPaths.Root, "reference", "groundedness-reference-cases.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(entry => entry.GetProperty("id").GetString()!, entry => entry.Clone());
    }
}
