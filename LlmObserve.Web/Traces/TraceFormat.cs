using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmObserve.Web.Traces;

/// <summary>How the trace pages write durations, counts, costs and JSON.</summary>
public static class TraceFormat
{
    // Relaxed escaping keeps quotes and angle brackets readable; the pages still render the result as encoded
    // text, never as markup, so nothing in it can become HTML.
    private static readonly JsonSerializerOptions _indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Duration(double milliseconds) => milliseconds switch
    {
        < 1 => milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        < 1000 => milliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
        < 60_000 => (milliseconds / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
        _ => (milliseconds / 60_000).ToString("0.0", CultureInfo.InvariantCulture) + " min",
    };

    public static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>The mark before a token count that was estimated here rather than reported.</summary>
    public const string EstimatedMark = "~";

    /// <summary>The tooltip of that mark, the same wherever a count is shown.</summary>
    public const string EstimatedTitle =
        "estimated: some calls reported no usage, so their tokens were counted from their text";

    /// <summary>What a missing cost means when the tokens are known: no price matched, never $0.</summary>
    public const string Unpriced = "unpriced";

    /// <summary>The tooltip of <see cref="Unpriced"/>.</summary>
    public const string UnpricedTitle = "unpriced: the calls have token usage but no price and no reported cost";

    /// <summary>A token count, marked with <see cref="EstimatedMark"/> when any of it was estimated.</summary>
    public static string Tokens(long? value, bool estimated)
        => value is null ? "–" : (estimated ? EstimatedMark : string.Empty) + Count(value);

    // The smallest amount shown in digits: rollups count in billionths of a dollar.
    private const double SmallestShown = 0.000000001;

    /// <summary>
    /// Money in US dollars, the one form every page uses: a dash when unknown, amounts below a cent with three
    /// significant digits (so $0.0000123 keeps its digits), below a dollar with two to four decimals, and a dollar
    /// or more grouped with two decimals ($1,234.57).
    /// </summary>
    public static string Cost(double? usd) => usd switch
    {
        null => "–",
        double.NaN or double.PositiveInfinity or double.NegativeInfinity => "–",
        0 => "$0",
        < 0 => "-" + Cost(-usd),
        < SmallestShown => "<$" + SmallestShown.ToString("0.#########", CultureInfo.InvariantCulture),
        < 0.01 => "$" + Significant(usd.Value, 3).ToString("0.###############", CultureInfo.InvariantCulture),
        < 1 => "$" + usd.Value.ToString("0.00##", CultureInfo.InvariantCulture),
        _ => "$" + usd.Value.ToString("N2", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc cref="Cost(double?)"/>
    public static string Cost(decimal usd) => Cost((double)usd);

    /// <summary>
    /// A cost where a missing one can mean two things: <see cref="Unpriced"/> when there is token usage (no price
    /// matched), a dash when there is none (nothing to price).
    /// </summary>
    public static string CostOrUnpriced(double? usd, bool hasUsage)
        => usd is null && hasUsage ? Unpriced : Cost(usd);

    private static double Significant(double value, int digits)
    {
        var decimals = digits - 1 - (int)Math.Floor(Math.Log10(value));
        return Math.Round(value, Math.Clamp(decimals, 0, 15));
    }

    public static string Score(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>A feedback value as people read it: thumbs as up or down, a rating out of five.</summary>
    public static string Feedback(string kind, double? value) => (kind, value) switch
    {
        ("thumbs", > 0) => "👍 up",
        ("thumbs", < 0) => "👎 down",
        ("rating", { } rating) => Score(rating) + " / 5",
        _ => Score(value),
    };

    public static string Json(JsonElement element) => JsonSerializer.Serialize(element, _indented);

    /// <summary>Any record as indented JSON, for the raw view.</summary>
    public static string Raw<T>(T value) => JsonSerializer.Serialize(value, _indented);

    /// <summary>Indents text that holds JSON (tool arguments usually do); returns other text unchanged.</summary>
    public static string MaybeJson(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart() is not ['{' or '[', ..])
        {
            return text ?? string.Empty;
        }

        try
        {
            return Json(JsonSerializer.Deserialize<JsonElement>(text));
        }
        catch (JsonException)
        {
            return text;
        }
    }

    /// <summary>A string attribute of a JSON object, or null.</summary>
    public static string? Attribute(JsonElement? attributes, string name)
        => attributes is { ValueKind: JsonValueKind.Object } obj
            && obj.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}
