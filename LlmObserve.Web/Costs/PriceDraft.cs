using System.Globalization;
using LlmObserve.Core.Costs;

namespace LlmObserve.Web.Costs;

/// <summary>What the price form is for: a new timeline, a new price on an existing one, or fixing an entry.</summary>
public enum PriceFormMode
{
    /// <summary>A price for a model that has none yet.</summary>
    Add,

    /// <summary>A price change: a new entry for an existing match, from a later date.</summary>
    Change,

    /// <summary>Fixing a mistake in a stored entry, in place.</summary>
    Correct,
}

/// <summary>One long-context tier as the form edits it; empty fields are null until the form is saved.</summary>
public sealed class PriceTierDraft
{
    public long? AboveInputTokens { get; set; }

    public decimal? InputPerMillion { get; set; }

    public decimal? OutputPerMillion { get; set; }

    public decimal? CacheReadPerMillion { get; set; }

    public decimal? CacheWritePerMillion { get; set; }

    public decimal? ReasoningPerMillion { get; set; }
}

/// <summary>
/// A price entry as the settings form edits it: text and optional numbers that may not be valid yet. Turning it into
/// a <see cref="ModelPrice"/> reports what cannot be read under the same field names the engine's validation uses,
/// so the form shows every reason beside its field.
/// </summary>
public sealed class PriceDraft
{
    /// <summary>The formats the effective date is read in, always as UTC.</summary>
    public static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    public long Id { get; set; }

    /// <summary>True for a price of the shown project only; false for every project.</summary>
    public bool ForProject { get; set; }

    public string MatchKind { get; set; } = ModelMatchKind.Exact;

    public string? Match { get; set; }

    public string? Provider { get; set; }

    /// <summary>The first instant the price applies to, in UTC, as typed (see <see cref="DateFormats"/>).</summary>
    public string? EffectiveFrom { get; set; }

    public decimal? InputPerMillion { get; set; }

    public decimal? OutputPerMillion { get; set; }

    public decimal? CacheReadPerMillion { get; set; }

    public decimal? CacheWritePerMillion { get; set; }

    public decimal? ReasoningPerMillion { get; set; }

    public List<PriceTierDraft> Tiers { get; } = [];

    public string? Source { get; set; }

    /// <summary>The built-in default the entry being corrected was seeded from; null otherwise.</summary>
    public string? BuiltInKey { get; init; }

    /// <summary>An empty entry effective from the start of today (UTC), so today's traffic is priced by it.</summary>
    public static PriceDraft New(DateTimeOffset now) => new() { EffectiveFrom = FormatDate(StartOfDay(now)) };

    /// <summary>
    /// A price change of <paramref name="entry"/>: the same match and figures to edit, as a new entry from today,
    /// or from the day after the entry when that is later.
    /// </summary>
    public static PriceDraft ChangeOf(ModelPrice entry, DateTimeOffset now)
    {
        var from = StartOfDay(now);
        if (from <= entry.EffectiveFrom)
        {
            from = StartOfDay(entry.EffectiveFrom).AddDays(1);
        }

        var draft = CopyOf(entry, id: 0, builtInKey: null);
        draft.EffectiveFrom = FormatDate(from);
        draft.Source = null;
        return draft;
    }

    /// <summary>The stored entry itself, to correct in place.</summary>
    public static PriceDraft CorrectionOf(ModelPrice entry) => CopyOf(entry, entry.Id, entry.BuiltInKey);

    /// <summary>
    /// The entry this draft describes, and the reasons it cannot be read (a missing price, a date that is not one).
    /// Values that cannot be read are left at zero in the entry; their field has a reason.
    /// </summary>
    public (ModelPrice Entry, IReadOnlyList<PriceValidationError> Errors) ToEntry(string? projectId)
    {
        var errors = new List<PriceValidationError>();
        var entry = new ModelPrice
        {
            Id = Id,
            ProjectId = ForProject ? projectId : null,
            MatchKind = MatchKind,
            Match = Match ?? string.Empty,
            Provider = Provider,
            EffectiveFrom = ReadDate(errors),
            InputPerMillion = Required(nameof(ModelPrice.InputPerMillion), "input", InputPerMillion, errors),
            OutputPerMillion = Required(nameof(ModelPrice.OutputPerMillion), "output", OutputPerMillion, errors),
            CacheReadPerMillion = CacheReadPerMillion,
            CacheWritePerMillion = CacheWritePerMillion,
            ReasoningPerMillion = ReasoningPerMillion,
            Source = Source,
            BuiltInKey = BuiltInKey,
        };

        if (ForProject && projectId is null)
        {
            errors.Add(new(nameof(ModelPrice.ProjectId), "There is no project yet: make the price apply to all."));
        }

        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i];
            var field = $"{nameof(ModelPrice.Tiers)}[{i}]";
            if (tier.AboveInputTokens is null)
            {
                errors.Add(new(
                    $"{field}.{nameof(PriceTier.AboveInputTokens)}",
                    $"Enter the prompt size above which tier {i + 1} applies."));
            }

            entry.Tiers.Add(new PriceTier
            {
                AboveInputTokens = tier.AboveInputTokens ?? 0,
                InputPerMillion = Required(
                    $"{field}.{nameof(PriceTier.InputPerMillion)}",
                    $"tier {i + 1} input",
                    tier.InputPerMillion,
                    errors),
                OutputPerMillion = Required(
                    $"{field}.{nameof(PriceTier.OutputPerMillion)}",
                    $"tier {i + 1} output",
                    tier.OutputPerMillion,
                    errors),
                CacheReadPerMillion = tier.CacheReadPerMillion,
                CacheWritePerMillion = tier.CacheWritePerMillion,
                ReasoningPerMillion = tier.ReasoningPerMillion,
            });
        }

        return (entry, errors);
    }

    /// <summary>
    /// Every reason the draft cannot be saved beside <paramref name="existing"/> entries: what cannot be read, and
    /// the engine's rules (<see cref="ModelPriceRules.Validate"/>) for every field that could be. The entry comes
    /// back in canonical form.
    /// </summary>
    public (ModelPrice Entry, IReadOnlyList<PriceValidationError> Errors) Check(
        string? projectId,
        IEnumerable<ModelPrice> existing)
    {
        var (entry, unreadable) = ToEntry(projectId);
        ModelPriceRules.Normalize(entry);
        var fields = unreadable.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
        var rules = ModelPriceRules.Validate(entry, existing).Where(e => !fields.Contains(e.Field));
        return (entry, [.. unreadable, .. rules]);
    }

    /// <summary>A UTC instant as the form shows it: the date alone at midnight, else date and time.</summary>
    public static string FormatDate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.TimeOfDay == TimeSpan.Zero
            ? utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : utc.ToString(utc.Second == 0 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a UTC date or date and time typed in one of <see cref="DateFormats"/>.</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset value)
    {
        var ok = DateTime.TryParseExact(
            text?.Trim(),
            DateFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var parsed);
        value = ok ? new DateTimeOffset(parsed, TimeSpan.Zero) : default;
        return ok;
    }

    private static DateTimeOffset StartOfDay(DateTimeOffset value)
        => new(value.UtcDateTime.Date, TimeSpan.Zero);

    private static PriceDraft CopyOf(ModelPrice entry, long id, string? builtInKey)
    {
        var draft = new PriceDraft
        {
            Id = id,
            BuiltInKey = builtInKey,
            ForProject = entry.ProjectId is not null,
            MatchKind = entry.MatchKind,
            Match = entry.Match,
            Provider = entry.Provider,
            EffectiveFrom = FormatDate(entry.EffectiveFrom),
            InputPerMillion = entry.InputPerMillion,
            OutputPerMillion = entry.OutputPerMillion,
            CacheReadPerMillion = entry.CacheReadPerMillion,
            CacheWritePerMillion = entry.CacheWritePerMillion,
            ReasoningPerMillion = entry.ReasoningPerMillion,
            Source = entry.Source,
        };
        draft.Tiers.AddRange(entry.Tiers.Select(t => new PriceTierDraft
        {
            AboveInputTokens = t.AboveInputTokens,
            InputPerMillion = t.InputPerMillion,
            OutputPerMillion = t.OutputPerMillion,
            CacheReadPerMillion = t.CacheReadPerMillion,
            CacheWritePerMillion = t.CacheWritePerMillion,
            ReasoningPerMillion = t.ReasoningPerMillion,
        }));
        return draft;
    }

    private static decimal Required(
        string field,
        string label,
        decimal? value,
        List<PriceValidationError> errors)
    {
        if (value is null)
        {
            errors.Add(new(field, $"Enter the {label} price per million tokens (0 when it is free)."));
        }

        return value ?? 0m;
    }

    private DateTimeOffset ReadDate(List<PriceValidationError> errors)
    {
        if (TryParseDate(EffectiveFrom, out var value))
        {
            return value;
        }

        errors.Add(new(
            nameof(ModelPrice.EffectiveFrom),
            string.IsNullOrWhiteSpace(EffectiveFrom)
                ? "Enter the date (UTC) from which this price applies, such as 2026-12-04."
                : "Write the date as yyyy-MM-dd, or yyyy-MM-dd HH:mm for a time of day (UTC)."));
        return default;
    }
}
