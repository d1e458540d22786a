using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.RegularExpressions;

namespace LlmObserve.Core.Redaction;

/// <summary>
/// The detectors a project can switch on by name. Each is a regular expression run by .NET's non-backtracking engine
/// (linear in the text, whatever the text) and, where a shape alone would catch too much, a check of the match
/// itself: the Luhn digit of a card number, the ISO 13616 checksum of an IBAN, a parse of an IP address.
/// </summary>
public static class BuiltInDetectors
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Card = "card";
    public const string Iban = "iban";
    public const string Ip = "ip";

    /// <summary>
    /// The order detectors run in: the most specific first, so an IBAN is not taken for a card number, nor a card
    /// number for a phone.
    /// </summary>
    public static IReadOnlyList<string> All { get; } = [Email, Iban, Card, Ip, Phone];

    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, RedactionDetector> _detectors = new(StringComparer.Ordinal)
    {
        [Email] = new(
            Email,
            new Regex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", Options, _timeout),
            null,
            text => text.Contains('@', StringComparison.Ordinal)),
        [Card] = new(Card, new Regex(@"\b\d([ \-]?\d){12,18}\b", Options, _timeout), IsLuhnValid, HasDigit),
        [Iban] = new(
            Iban,
            new Regex(@"\b[A-Z]{2}\d{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,3})?\b", Options, _timeout),
            IsIbanValid,
            HasDigit),
        [Ip] = new(
            Ip,
            new Regex(@"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}\b", Options, _timeout),
            IsIpAddress,
            HasDigit),
        [Phone] = new(
            Phone,
            new Regex(@"\+?(\(\d{1,4}\)[ .\-]?)?\d{1,4}([ .\-]?\(?\d{2,4}\)?){2,5}", Options, _timeout),
            IsPhoneNumber,
            HasDigit),
    };

    public static bool IsKnown(string kind) => _detectors.ContainsKey(kind);

    private static bool HasDigit(string text) => text.AsSpan().IndexOfAnyInRange('0', '9') >= 0;

    public static RedactionDetector Get(string kind) => _detectors[kind];

    /// <summary>13 to 19 digits whose Luhn check digit is right (spaces and dashes between digits allowed).</summary>
    public static bool IsLuhnValid(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var sum = 0;
        var digits = 0;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            var c = candidate[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            var d = c - '0';
            if ((digits & 1) == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            digits++;
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    /// <summary>An IBAN of 15 to 34 characters whose mod-97 checksum (ISO 13616) equals 1.</summary>
    public static bool IsIbanValid(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var compact = candidate.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        if (compact.Length is < 15 or > 34)
        {
            return false;
        }

        var rearranged = compact[4..] + compact[..4];
        var number = new System.Text.StringBuilder(rearranged.Length * 2);
        foreach (var c in rearranged)
        {
            if (char.IsAsciiDigit(c))
            {
                number.Append(c);
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                number.Append((c - 'A' + 10).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                return false;
            }
        }

        return BigInteger.Parse(number.ToString(), CultureInfo.InvariantCulture) % 97 == 1;
    }

    /// <summary>
    /// A dotted IPv4 address with every part at most 255, or an IPv6 address with at least two groups.
    /// </summary>
    public static bool IsIpAddress(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Contains(':', StringComparison.Ordinal))
        {
            return candidate.Count(c => c != ':') >= 2 && IPAddress.TryParse(candidate, out var v6)
                && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        var parts = candidate.Split('.');
        return parts.Length == 4 && parts.All(p => int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    /// <summary>
    /// 8 to 15 digits (E.164 allows 15) that do not read as a date or a plain long number: a leading plus, a bracket
    /// or at least one separator is needed, and yyyy-mm-dd, dd.mm.yyyy or dd/mm/yyyy shapes are left alone.
    /// </summary>
    public static bool IsPhoneNumber(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var digits = candidate.Count(char.IsAsciiDigit);
        if (digits is < 8 or > 15)
        {
            return false;
        }

        var separated = candidate.StartsWith('+') || candidate.Contains('(', StringComparison.Ordinal)
            || candidate.Any(c => c is ' ' or '-' or '.');
        if (!separated)
        {
            return digits >= 10 && candidate.StartsWith('0');
        }

        return !_dateShape.IsMatch(candidate);
    }

    private static readonly Regex _dateShape = new(
        @"^(\d{4}[\-./]\d{1,2}[\-./]\d{1,2}|\d{1,2}[\-./]\d{1,2}[\-./]\d{4})$",
        Options,
        _timeout);
}

/// <summary>
/// One detector: a pattern and, optionally, a check of each match; a match the check refuses is kept.
/// </summary>
/// <param name="Kind">The name written into the replacement and counted.</param>
/// <param name="Pattern">The pattern, non-backtracking.</param>
/// <param name="Accept">Checks a match; null accepts all.</param>
/// <param name="MayMatch">A cheap test that a text can hold a match at all (an '@', a digit); null: run always.</param>
public sealed record RedactionDetector(
    string Kind,
    Regex Pattern,
    Func<string, bool>? Accept,
    Func<string, bool>? MayMatch = null);
