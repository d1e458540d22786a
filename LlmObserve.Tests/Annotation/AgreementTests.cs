using System.Text.Json;
using LlmObserve.Core.Annotation;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Annotation;

/// <summary>The agreement statistics against published results (reference/groundedness-reference-cases.json).</summary>
public sealed class AgreementTests
{
    [Fact]
    public void CohenKappa_TheReferenceCases_ReproduceTheirKappa()
    {
        var path = Path.Combine(RepoPaths.Root, "reference", "groundedness-reference-cases.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var cases = document.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("method").GetString()!.StartsWith("Cohen's kappa", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(cases);
        foreach (var reference in cases)
        {
            var inputs = reference.GetProperty("inputs");
            var kappa = Agreement.CohenKappa(
                [.. inputs.GetProperty("y1").EnumerateArray().Select(v => v.GetString()!)],
                [.. inputs.GetProperty("y2").EnumerateArray().Select(v => v.GetString()!)]);
            var expected = reference.GetProperty("expected").GetProperty("kappa").GetDouble();
            var tolerance = reference.GetProperty("tolerance").GetProperty("abs").GetDouble();
            Assert.InRange(kappa!.Value, expected - tolerance, expected + tolerance);
        }
    }

    [Fact]
    public void KrippendorffAlpha_TheWorkedExampleWithMissingValues_IsNominalAlpha0743()
    {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", four observers, twelve units, gaps.
        int?[][] observers =
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
            [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
        ];
        var units = Enumerable.Range(0, 12)
            .Select(u => (IReadOnlyList<string>)[.. observers.Select(o => o[u]).OfType<int>().Select(v => $"{v}")]);

        var alpha = Agreement.KrippendorffAlpha(units, Agreement.Nominal);

        Assert.Equal(0.743, alpha!.Value, 3);
    }

    [Fact]
    public void Agreement_OneCategoryOnly_CannotBeTold()
    {
        Assert.Null(Agreement.CohenKappa(["pass", "pass"], ["pass", "pass"]));
        Assert.Null(Agreement.KrippendorffAlpha<string>([["pass", "pass"], ["pass", "pass"]], Agreement.Nominal));
        Assert.Equal(1, Agreement.CohenKappa(["pass", "fail"], ["pass", "fail"]));
    }
}
