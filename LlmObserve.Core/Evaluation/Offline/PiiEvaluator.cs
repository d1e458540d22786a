using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>
/// Personal data in the output or the input: e-mail addresses, phone numbers, payment card numbers that pass
/// the Luhn check, and IBANs that pass the mod-97 check. The explanation names kinds and counts, never a
/// value. Score 1 when any is found, 0 otherwise.
/// </summary>
public sealed partial class PiiEvaluator : IOfflineEvaluator
{
    public string Name => "pii";

    /// <summary>The version of this evaluator's method; see <see cref="IOfflineEvaluator.Version"/>.</summary>
    public const string Method = "offline-1";

    public string Version => Method;

    public OfflineEvaluationResult Evaluate(OfflineEvaluationInput input, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(input.Output) && string.IsNullOrWhiteSpace(input.Input))
        {
            return OfflineEvaluationResult.Skipped(Name, "no input or output text");
        }

        var output = Find(input.Output);
        var prompt = Find(input.Input);
        if (output.Count == 0 && prompt.Count == 0)
        {
            return OfflineEvaluationResult.Scored(Name, 0, OfflineLabels.NoPii, "no personal data found.");
        }

        return OfflineEvaluationResult.Scored(
            Name,
            1,
            OfflineLabels.PiiFound,
            $"output: {Describe(output)}; input: {Describe(prompt)}.");
    }

    /// <summary>How many of each kind of personal data the text holds; kinds without a match are left out.</summary>
    public static IReadOnlyDictionary<PiiKind, int> Find(string text)
    {
        var found = new Dictionary<PiiKind, int>();
        if (string.IsNullOrEmpty(text))
        {
            return found;
        }

        void Add(PiiKind kind) => found[kind] = found.GetValueOrDefault(kind) + 1;

        foreach (Match _ in Email().Matches(text))
        {
            Add(PiiKind.Email);
        }

        // Earlier kinds claim their characters, so a card number is not also counted as a phone number.
        var claimed = new List<Range>();
        foreach (Match match in Iban().Matches(text))
        {
            if (IsValidIban(match.Value))
            {
                Add(PiiKind.Iban);
                claimed.Add(new Range(match.Index, match.Index + match.Length));
            }
        }

        foreach (Match match in CardNumber().Matches(text))
        {
            if (!Overlaps(claimed, match) && PassesLuhn(Digits(match.Value)))
            {
                Add(PiiKind.CardNumber);
                claimed.Add(new Range(match.Index, match.Index + match.Length));
            }
        }

        foreach (Match match in Phone().Matches(text))
        {
            var digits = Digits(match.Value).Length;
            if (digits is >= 9 and <= 15 && !Overlaps(claimed, match) && !Email().IsMatch(match.Value))
            {
                Add(PiiKind.PhoneNumber);
            }
        }

        return found;
    }

    /// <summary>The Luhn checksum of a card number's digits.</summary>
    public static bool PassesLuhn(string digits)
    {
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 13616: country and check digits moved to the end, letters as 10–35, mod 97 leaves 1.</summary>
    public static bool IsValidIban(string iban)
    {
        var compact = iban.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        if (compact.Length is < 15 or > 34 || !compact.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        var rearranged = compact[4..] + compact[..4];
        var numeric = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c)
            ? c.ToString()
            : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        return BigInteger.Parse(numeric, CultureInfo.InvariantCulture) % 97 == 1;
    }

    private static string Describe(IReadOnlyDictionary<PiiKind, int> found) =>
        found.Count == 0
            ? "none"
            : string.Join(
                ", ",
                found.OrderBy(pair => pair.Key).Select(pair => $"{pair.Value} {Noun(pair.Key, pair.Value)}"));

    private static string Noun(PiiKind kind, int count)
    {
        var noun = kind switch
        {
            PiiKind.Email => "e-mail address",
            PiiKind.PhoneNumber => "phone number",
            PiiKind.CardNumber => "card number",
            _ => "IBAN",
        };
        return count == 1 ? noun : noun == "e-mail address" ? "e-mail addresses" : noun + "s";
    }

    private static bool Overlaps(List<Range> claimed, Match match) =>
        claimed.Any(range => match.Index < range.End.Value && range.Start.Value < match.Index + match.Length);

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));

    [GeneratedRegex(@"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.\p{L}{2,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(
        @"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumber();

    // An optional country code, an optional area code in brackets, then groups of digits with one separator.
    [GeneratedRegex(
        @"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,5}(?![\w-])" +
        @"|(?<![\w+])\+\d{9,15}\b",
        RegexOptions.CultureInvariant)]
    private static partial Regex Phone();
}

/// <summary>Kinds of personal data the PII evaluator finds.</summary>
public enum PiiKind
{
    Email,
    PhoneNumber,
    CardNumber,
    Iban,
}
