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

/// <summary>
/// A price as typed into the form. The text is kept as typed, so a figure that cannot be a price (1e400, "abc") is
/// refused with its reason when the form is saved instead of vanishing from the field.
/// </summary>
public sealed class PriceInput
{
    /// <summary>How a stored price is written in its field: two decimals at least, more only if it has them.</summary>
    public const string Format = "0.00########";

    public string? Text { get; set; }

    /// <summary>The price the text holds; null when empty or unreadable. Setting it rewrites the text.</summary>
    public decimal? Value
    {
        get => TryRead(out var value, out _) ? value : null;
        set => Text = value?.ToString(Format, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the text: true with the price (null when empty), or false with why it cannot be one.</summary>
    /// <param name="value">The price; null when the text is empty.</param>
    /// <param name="problem">Why the text is not a price: "range" for a number no price can be, else "number".</param>
    public bool TryRead(out decimal? value, out string? problem)
    {
        value = null;
        problem = null;
        var text = Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var price))
        {
            value = price;
            return true;
        }

        // A number too large or small for a decimal still reads as a double (1e400 as infinity).
        problem = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? "range" : "number";
        return false;
    }
}

/// <summary>One long-context tier as the form edits it; empty fields are null until the form is saved.</summary>
public sealed class PriceTierDraft
{
    public long? AboveInputTokens { get; set; }

    public PriceInput Input { get; } = new();

    public PriceInput Output { get; } = new();

    public PriceInput CacheRead { get; } = new();

    public PriceInput CacheWrite { get; } = new();

    public PriceInput Reasoning { get; } = new();

    public decimal? InputPerMillion { get => Input.Value; set => Input.Value = value; }

    public decimal? OutputPerMillion { get => Output.Value; set => Output.Value = value; }

    public decimal? CacheReadPerMillion { get => CacheRead.Value; set => CacheRead.Value = value; }

    public decimal? CacheWritePerMillion { get => CacheWrite.Value; set => CacheWrite.Value = value; }

    public decimal? ReasoningPerMillion { get => Reasoning.Value; set => Reasoning.Value = value; }
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

    public PriceInput Input { get; } = new();

    public PriceInput Output { get; } = new();

    public PriceInput CacheRead { get; } = new();

    public PriceInput CacheWrite { get; } = new();

    public PriceInput Reasoning { get; } = new();

    public decimal? InputPerMillion { get => Input.Value; set => Input.Value = value; }

    public decimal? OutputPerMillion { get => Output.Value; set => Output.Value = value; }

    public decimal? CacheReadPerMillion { get => CacheRead.Value; set => CacheRead.Value = value; }

    public decimal? CacheWritePerMillion { get => CacheWrite.Value; set => CacheWrite.Value = value; }

    public decimal? ReasoningPerMillion { get => Reasoning.Value; set => Reasoning.Value = value; }

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
            InputPerMillion = Required(nameof(ModelPrice.InputPerMillion), "input", Input, errors),
            OutputPerMillion = Required(nameof(ModelPrice.OutputPerMillion), "output", Output, errors),
            CacheReadPerMillion = Optional(nameof(ModelPrice.CacheReadPerMillion), "cache read", CacheRead, errors),
            CacheWritePerMillion = Optional(
                nameof(ModelPrice.CacheWritePerMillion), "cache write", CacheWrite, errors),
            ReasoningPerMillion = Optional(nameof(ModelPrice.ReasoningPerMillion), "reasoning", Reasoning, errors),
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
                    tier.Input,
                    errors),
                OutputPerMillion = Required(
                    $"{field}.{nameof(PriceTier.OutputPerMillion)}",
                    $"tier {i + 1} output",
                    tier.Output,
                    errors),
                CacheReadPerMillion = Optional(
                    $"{field}.{nameof(PriceTier.CacheReadPerMillion)}",
                    $"tier {i + 1} cache read",
                    tier.CacheRead,
                    errors),
                CacheWritePerMillion = Optional(
                    $"{field}.{nameof(PriceTier.CacheWritePerMillion)}",
                    $"tier {i + 1} cache write",
                    tier.CacheWrite,
                    errors),
                ReasoningPerMillion = Optional(
                    $"{field}.{nameof(PriceTier.ReasoningPerMillion)}",
                    $"tier {i + 1} reasoning",
                    tier.Reasoning,
                    errors),
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
        PriceInput input,
        List<PriceValidationError> errors)
    {
        var value = Optional(field, label, input, errors);
        if (value is null && string.IsNullOrWhiteSpace(input.Text))
        {
            errors.Add(new(field, $"Enter the {label} price per million tokens (0 when it is free)."));
        }

        return value ?? 0m;
    }

    /// <summary>The price typed, null when left empty; text that is no price gets a reason naming the field.</summary>
    private static decimal? Optional(
        string field,
        string label,
        PriceInput input,
        List<PriceValidationError> errors)
    {
        if (input.TryRead(out var value, out var problem))
        {
            return value;
        }

        var text = input.Text!.Trim();
        errors.Add(new(
            field,
            problem == "range"
                ? $"The {label} price {text} is out of range: enter US dollars per million tokens from 0 to "
                    + $"{ModelPriceRules.MaxPricePerMillion.ToString("N0", CultureInfo.InvariantCulture)}."
                : $"The {label} price '{text}' is not a number: write it like 2.50."));
        return null;
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
