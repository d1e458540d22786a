using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Drift;

/// <summary>Reads reference/drift-reference-cases.json and compares figures within each case's tolerance.</summary>
internal static class DriftReferenceCases
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(Load);

    public static IReadOnlyCollection<string> Ids => Cases.Value.Keys;

    public static JsonElement Case(string id) => Cases.Value[id];

    public static double[] Numbers(string id, string name) =>
        Case(id).GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static string?[] Labels(string id, string name) =>
        Case(id).GetProperty(name).EnumerateArray()
            .Select(e => e.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => e.GetString(),
                _ => e.GetRawText(),
            })
            .ToArray();

    public static double[][] Vectors(string id, string name) =>
        Case(id).GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray())
            .ToArray();

    public static double Expected(string id, string name) =>
        Case(id).GetProperty("expected").GetProperty(name).GetDouble();

    public static double[] ExpectedArray(string id, string name) =>
        Case(id).GetProperty("expected").GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static bool ExpectedFlag(string id, string name) =>
        Case(id).GetProperty("expected").GetProperty(name).GetBoolean();

    public static double Param(string id, string name) =>
        Case(id).GetProperty("params").GetProperty(name).GetDouble();

    public static JsonElement? Params(string id) =>
        Case(id).TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p : null;

    /// <summary>
    /// Asserts <paramref name="actual"/> is within the case's tolerance of the expected figure: an
    /// "abs_{kind}" entry when the case has one for this kind of figure, else "abs", else rtol (+ atol).
    /// </summary>
    public static void AssertClose(string id, double expected, double actual, string kind = "")
    {
        var tolerance = Case(id).GetProperty("tolerance");
        double allowed;
        if (kind.Length > 0 && tolerance.TryGetProperty("abs_" + kind, out var specific))
        {
            allowed = specific.GetDouble();
        }
        else if (tolerance.TryGetProperty("abs", out var abs))
        {
            allowed = abs.GetDouble();
        }
        else
        {
            var rtol = tolerance.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0;
            var atol = tolerance.TryGetProperty("atol", out var a) ? a.GetDouble() : 0;
            allowed = atol + rtol * Math.Abs(expected);
        }

        Assert.True(
            Math.Abs(actual - expected) <= allowed,
            $"{id}: expected {expected:R}, got {actual:R} (allowed difference {allowed:R}).");
    }

    private static Dictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(RepoPaths.Root, "reference", "drift-reference-cases.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.Clone());
    }
}
