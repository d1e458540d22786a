using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmObserve.Core.Ingestion.Otlp.Conventions;

namespace LlmObserve.Core.Costs;

/// <summary>A reason a price entry cannot be saved, naming the form field at fault.</summary>
/// <param name="Field">The property of <see cref="ModelPrice"/> (tiers as <c>Tiers[i].Property</c>).</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record PriceValidationError(string Field, string Message);

/// <summary>What makes a price entry valid, and the canonical form entries are kept in.</summary>
public static class ModelPriceRules
{
    /// <summary>Longest model id, prefix or pattern accepted.</summary>
    public const int MaxMatchLength = 200;

    /// <summary>Highest price accepted, far above any real one: a bigger figure is a unit mistake.</summary>
    public const decimal MaxPricePerMillion = 100_000m;

    /// <summary>
    /// How long one pattern may take on one model id. Patterns run on the linear-time regex engine, so this is a
    /// second guard; a pattern that still runs out of time does not match.
    /// </summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private const int MaxCompiledPatterns = 1024;

    private static readonly ConcurrentDictionary<string, Regex> _compiledPatterns = new(StringComparer.Ordinal);

    private static readonly DateTimeOffset _earliest = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Puts an entry in canonical form before validation and storage: trimmed text, lower-case kind, the provider
    /// under its canonical name (<c>azure</c> → <c>azure.ai.openai</c>), the date in UTC, empty strings as null.
    /// </summary>
    public static void Normalize(ModelPrice price)
    {
        price.MatchKind = price.MatchKind?.Trim().ToLowerInvariant() ?? string.Empty;
        price.Match = price.Match?.Trim() ?? string.Empty;
        price.Provider = ProviderNames.Normalize(price.Provider);
        price.ProjectId = string.IsNullOrWhiteSpace(price.ProjectId) ? null : price.ProjectId.Trim();
        price.Source = string.IsNullOrWhiteSpace(price.Source) ? null : price.Source.Trim();
        price.EffectiveFrom = price.EffectiveFrom.ToUniversalTime();
        price.Tiers ??= [];
    }

    /// <summary>
    /// Every reason the entry cannot be saved beside the entries already stored (empty when it can). The entry is
    /// expected in canonical form (<see cref="Normalize"/>); an entry with the same id in
    /// <paramref name="existing"/> is the one being edited and is not compared with itself.
    /// </summary>
    public static IReadOnlyList<PriceValidationError> Validate(ModelPrice price, IEnumerable<ModelPrice> existing)
    {
        var errors = new List<PriceValidationError>();
        ValidateMatch(price, errors);

        CheckPrice(nameof(ModelPrice.InputPerMillion), "Input", price.InputPerMillion, errors);
        CheckPrice(nameof(ModelPrice.OutputPerMillion), "Output", price.OutputPerMillion, errors);
        CheckPrice(nameof(ModelPrice.CacheReadPerMillion), "Cache read", price.CacheReadPerMillion, errors);
        CheckPrice(nameof(ModelPrice.CacheWritePerMillion), "Cache write", price.CacheWritePerMillion, errors);
        CheckPrice(nameof(ModelPrice.ReasoningPerMillion), "Reasoning", price.ReasoningPerMillion, errors);
        ValidateTiers(price.Tiers, errors);

        if (price.EffectiveFrom < _earliest)
        {
            errors.Add(new(nameof(ModelPrice.EffectiveFrom), "The effective date must be 1970-01-01 or later."));
        }

        var key = MatchKey(price);
        var clash = existing.FirstOrDefault(other => other.Id != price.Id
            && other.EffectiveFrom == price.EffectiveFrom
            && MatchKey(other) == key);
        if (clash is not null)
        {
            var when = price.EffectiveFrom.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            errors.Add(new(
                nameof(ModelPrice.EffectiveFrom),
                $"Another price for {Describe(price)} already starts at {when} UTC (entry {clash.Id}). "
                + "Change that entry, or give this one another date."));
        }

        return errors;
    }

    /// <summary>
    /// The identity of an entry's timeline: scope, provider, kind and match (ignoring case). Entries with the same
    /// key are successive prices of one thing and must start at different instants.
    /// </summary>
    public static string MatchKey(ModelPrice price)
        => string.Join('\u001f', price.ProjectId ?? "*", price.Provider ?? "*", price.MatchKind, price.Match)
            .ToLowerInvariant();

    /// <summary>A stable fingerprint of all a seeded default sets, to tell untouched rows from edited ones.</summary>
    public static string ContentHash(ModelPrice price)
    {
        var text = string.Join(
            '\n',
            price.ProjectId,
            price.MatchKind,
            price.Match,
            price.Provider,
            price.EffectiveFrom.UtcTicks.ToString(CultureInfo.InvariantCulture),
            Number(price.InputPerMillion),
            Number(price.OutputPerMillion),
            Number(price.CacheReadPerMillion),
            Number(price.CacheWritePerMillion),
            Number(price.ReasoningPerMillion),
            JsonSerializer.Serialize(price.Tiers.Select(t => new[]
            {
                t.AboveInputTokens.ToString(CultureInfo.InvariantCulture), Number(t.InputPerMillion),
                Number(t.OutputPerMillion), Number(t.CacheReadPerMillion), Number(t.CacheWritePerMillion),
                Number(t.ReasoningPerMillion),
            })),
            price.Source);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Compiles a pattern as it is used for matching: the whole model id must match, case is ignored, and the
    /// linear-time engine runs it so no pattern can make matching hang. Building that engine's automaton for a
    /// case-insensitive pattern takes milliseconds, and every start validates and compiles each seeded pattern, so
    /// compiled patterns are kept for the process (a <see cref="Regex"/> is immutable and safe to share).
    /// </summary>
    /// <exception cref="ArgumentException">The pattern does not compile, or needs what that engine lacks.</exception>
    public static Regex CompilePattern(string pattern)
    {
        if (_compiledPatterns.TryGetValue(pattern, out var compiled))
        {
            return compiled;
        }

        const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
            | RegexOptions.NonBacktracking;

        // Compiling the pattern alone first proves its parentheses balance, so the anchoring group cannot be
        // closed early by a pattern such as "a)|(b".
        try
        {
            _ = new Regex(pattern, Options, PatternTimeout);
            compiled = new Regex($"^(?:{pattern})\\z", Options, PatternTimeout);
        }
        catch (NotSupportedException ex)
        {
            throw new ArgumentException(ex.Message, nameof(pattern), ex);
        }

        // Patterns are typed by admins, so the set is small; a cap keeps a flood of trial patterns from growing it.
        if (_compiledPatterns.Count >= MaxCompiledPatterns)
        {
            _compiledPatterns.Clear();
        }

        return _compiledPatterns.GetOrAdd(pattern, compiled);
    }

    internal static string Describe(ModelPrice price)
    {
        var what = price.MatchKind switch
        {
            ModelMatchKind.Prefix => $"models starting with '{price.Match}'",
            ModelMatchKind.Pattern => $"models matching /{price.Match}/",
            _ => $"'{price.Match}'",
        };
        var provider = price.Provider is null ? string.Empty : $" from {price.Provider}";
        var scope = price.ProjectId is null ? string.Empty : $" in project {price.ProjectId}";
        return what + provider + scope;
    }

    private static void ValidateMatch(ModelPrice price, List<PriceValidationError> errors)
    {
        if (!ModelMatchKind.All.Contains(price.MatchKind))
        {
            errors.Add(new(nameof(ModelPrice.MatchKind), "Choose how the model is matched: exact, prefix or pattern."));
            return;
        }

        if (price.Match.Length == 0)
        {
            errors.Add(new(nameof(ModelPrice.Match), "Enter the model id, prefix or pattern this price is for."));
            return;
        }

        if (price.Match.Length > MaxMatchLength)
        {
            errors.Add(new(
                nameof(ModelPrice.Match),
                $"The model match is {price.Match.Length} characters long; at most {MaxMatchLength} are allowed."));
            return;
        }

        if (price.MatchKind != ModelMatchKind.Pattern)
        {
            return;
        }

        try
        {
            CompilePattern(price.Match);
        }
        catch (ArgumentException ex)
        {
            errors.Add(new(nameof(ModelPrice.Match), $"The pattern does not compile: {ex.Message}"));
        }
    }

    private static void ValidateTiers(List<PriceTier> tiers, List<PriceValidationError> errors)
    {
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var field = $"{nameof(ModelPrice.Tiers)}[{i}]";
            if (tier.AboveInputTokens <= 0)
            {
                errors.Add(new(
                    $"{field}.{nameof(PriceTier.AboveInputTokens)}",
                    $"Tier {i + 1} must start above a prompt size of at least 1 token."));
            }
            else if (i > 0 && tier.AboveInputTokens <= tiers[i - 1].AboveInputTokens)
            {
                errors.Add(new(
                    $"{field}.{nameof(PriceTier.AboveInputTokens)}",
                    $"Tiers must be in increasing order of prompt size: tier {i + 1} (above "
                    + $"{Tokens(tier.AboveInputTokens)} tokens) does not come after tier {i} (above "
                    + $"{Tokens(tiers[i - 1].AboveInputTokens)})."));
            }

            var label = $"Tier {i + 1}";
            CheckPrice($"{field}.{nameof(PriceTier.InputPerMillion)}", $"{label} input", tier.InputPerMillion, errors);
            CheckPrice(
                $"{field}.{nameof(PriceTier.OutputPerMillion)}", $"{label} output", tier.OutputPerMillion, errors);
            CheckPrice(
                $"{field}.{nameof(PriceTier.CacheReadPerMillion)}",
                $"{label} cache read",
                tier.CacheReadPerMillion,
                errors);
            CheckPrice(
                $"{field}.{nameof(PriceTier.CacheWritePerMillion)}",
                $"{label} cache write",
                tier.CacheWritePerMillion,
                errors);
            CheckPrice(
                $"{field}.{nameof(PriceTier.ReasoningPerMillion)}",
                $"{label} reasoning",
                tier.ReasoningPerMillion,
                errors);
        }
    }

    private static void CheckPrice(string field, string label, decimal? value, List<PriceValidationError> errors)
    {
        if (value < 0)
        {
            errors.Add(new(field, $"{label} price must not be negative."));
        }
        else if (value > MaxPricePerMillion)
        {
            errors.Add(new(
                field,
                $"{label} price is above {Tokens((long)MaxPricePerMillion)} USD per million tokens; prices are per "
                + "million tokens, not per token or per thousand."));
        }
    }

    private static string Tokens(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static string Number(decimal? value)
        => value?.ToString("0.############", CultureInfo.InvariantCulture) ?? "-";
}
