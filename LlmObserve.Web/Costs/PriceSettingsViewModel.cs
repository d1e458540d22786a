using System.Globalization;
using System.Text.RegularExpressions;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Costs;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Web.Costs;

/// <summary>Where an entry stands on its timeline at the moment the page was loaded.</summary>
public enum PriceStatus
{
    /// <summary>The entry prices spans starting now.</summary>
    InForce,

    /// <summary>A later entry of the same match took over; it still prices spans that started before then.</summary>
    Superseded,

    /// <summary>Its date is still ahead.</summary>
    Scheduled,
}

/// <summary>The answer to "which entry would price this model id": the entry, or none (unpriced).</summary>
/// <param name="Model">The model id asked about.</param>
/// <param name="Provider">The provider asked about, if any.</param>
/// <param name="At">The span start the question is for (UTC).</param>
/// <param name="Entry">The entry that would price it; null when unpriced.</param>
public sealed record PriceProbe(string Model, string? Provider, DateTimeOffset At, ModelPrice? Entry);

/// <summary>
/// State of the price settings page: the global entries and the shown project's own, the form's draft and its
/// reasons, and the "which price applies" probe. Until accounts exist the page shows the first project.
/// </summary>
/// <remarks>
/// Saving and deleting go through <see cref="ModelPriceService"/>, which reloads the shared price snapshot, so the
/// next span stored is priced with the change. Nothing already stored is re-priced: costs are computed when a span
/// is stored.
/// </remarks>
public sealed class PriceSettingsViewModel(
    ModelPriceService prices,
    PriceTableProvider tables,
    CurrentProject currentProject,
    TimeProvider timeProvider,
    ILogger<PriceSettingsViewModel> logger,
    AuditActor actor)
{
    private readonly Dictionary<string, Regex?> _patterns = new(StringComparer.Ordinal);

    private IReadOnlyList<ModelPrice> _entries = [];
    private DateTimeOffset _loadedAt;

    // The price a change follows: the latest of its match when the change was opened.
    private ModelPrice? _changeOf;
    private bool _projectLooked;

    /// <summary>The project whose own prices are shown beside the global ones; null while there is none.</summary>
    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    /// <summary>Every entry shown, ordered by match, then scope and provider, then effective date.</summary>
    public IReadOnlyList<ModelPrice> Entries => _entries;

    /// <summary>Stored entries the engine cannot use (a pattern that no longer compiles).</summary>
    public IReadOnlyList<string> Problems => tables.Current.Problems;

    /// <summary>The entry being added or corrected; null while the form is closed.</summary>
    public PriceDraft? Draft { get; private set; }

    public PriceFormMode Mode { get; private set; }

    /// <summary>Why the draft was refused, each naming its form field.</summary>
    public IReadOnlyList<PriceValidationError> Errors { get; private set; } = [];

    /// <summary>What the last save or deletion did, said once.</summary>
    public string? Notice { get; private set; }

    /// <summary>The entry whose deletion waits for confirmation.</summary>
    public long? ConfirmingDelete { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!_projectLooked)
        {
            ProjectId = await currentProject.GetIdAsync(cancellationToken);
            _projectLooked = true;
        }

        var entries = await prices.ListAsync(ProjectId, cancellationToken);
        _entries =
        [
            .. entries
                .OrderBy(e => e.Match, StringComparer.OrdinalIgnoreCase)
                .ThenBy(e => e.MatchKind, StringComparer.Ordinal)
                .ThenBy(e => e.ProjectId is null)
                .ThenBy(e => e.Provider, StringComparer.Ordinal)
                .ThenBy(e => e.EffectiveFrom),
        ];
        _loadedAt = timeProvider.GetUtcNow();
        IsLoaded = true;
    }

    /// <summary>
    /// Entries whose match contains <paramref name="model"/>, or that would match it as a model id (so a dated id
    /// finds the prefix or pattern that covers it). All entries when the filter is empty.
    /// </summary>
    public IReadOnlyList<ModelPrice> Filter(string? model)
    {
        var text = model?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return _entries;
        }

        return [.. _entries.Where(e => e.Match.Contains(text, StringComparison.OrdinalIgnoreCase) || Covers(e, text))];
    }

    public PriceStatus StatusOf(ModelPrice entry)
    {
        if (entry.EffectiveFrom > _loadedAt)
        {
            return PriceStatus.Scheduled;
        }

        var key = ModelPriceRules.MatchKey(entry);
        var superseded = _entries.Any(other => other.EffectiveFrom > entry.EffectiveFrom
            && other.EffectiveFrom <= _loadedAt
            && ModelPriceRules.MatchKey(other) == key);
        return superseded ? PriceStatus.Superseded : PriceStatus.InForce;
    }

    public void StartAdd()
    {
        Open(PriceFormMode.Add, PriceDraft.New(timeProvider.GetUtcNow()));
    }

    /// <summary>Opens a price change for the entry's match, starting from the latest price of that match.</summary>
    public void StartChange(long id)
    {
        if (Find(id) is not { } entry)
        {
            return;
        }

        var key = ModelPriceRules.MatchKey(entry);
        var latest = _entries.Where(e => ModelPriceRules.MatchKey(e) == key).MaxBy(e => e.EffectiveFrom) ?? entry;
        Open(PriceFormMode.Change, PriceDraft.ChangeOf(latest, timeProvider.GetUtcNow()));
        _changeOf = latest;
    }

    public void StartCorrection(long id)
    {
        if (Find(id) is { } entry)
        {
            Open(PriceFormMode.Correct, PriceDraft.CorrectionOf(entry));
        }
    }

    public void CloseForm()
    {
        Draft = null;
        Errors = [];
    }

    public void AddTier()
    {
        if (Draft is not { } draft)
        {
            return;
        }

        // A new tier starts above the last one, so adding tiers in order needs no renumbering.
        var above = draft.Tiers.LastOrDefault()?.AboveInputTokens is { } last ? last * 2 : 200_000;
        draft.Tiers.Add(new PriceTierDraft { AboveInputTokens = above });
    }

    public void RemoveTier(int index)
    {
        if (Draft is { } draft && index >= 0 && index < draft.Tiers.Count)
        {
            draft.Tiers.RemoveAt(index);

            // The reasons name tiers by position, which just moved.
            Errors = [.. Errors.Where(e => !e.Field.StartsWith(nameof(ModelPrice.Tiers), StringComparison.Ordinal))];
        }
    }

    /// <summary>Saves the draft; false with <see cref="Errors"/> set when it was refused.</summary>
    public async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (Draft is not { } draft)
        {
            return false;
        }

        Notice = null;

        // Checked here first so that every reason shows at once, those of fields that could not be read included;
        // the service checks again against the whole store.
        var (entry, errors) = draft.Check(ProjectId, _entries);
        if (errors.Count == 0 && Mode == PriceFormMode.Change)
        {
            errors = ChangeRules(entry);
        }

        if (errors.Count > 0)
        {
            Errors = errors;
            return false;
        }

        PriceSaveResult result;
        try
        {
            result = await prices.SaveAsync(entry, cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            var reference = NewReference();
            CostsLog.PriceSaveFailed(logger, ex, reference);
            Errors = [new(string.Empty, $"The price could not be stored; try again. (Reference {reference}.)")];
            return false;
        }

        if (!result.Succeeded)
        {
            Errors = result.Errors;
            return false;
        }

        var saved = result.Saved!;
        CostsLog.PriceSaved(logger, saved.Id, Mode);
        await actor.RecordAsync(
            ProjectId,
            AuditActions.PricesChanged,
            saved.Id.ToString(CultureInfo.InvariantCulture),
            new { match = saved.Match, mode = Mode.ToString(), effectiveFrom = saved.EffectiveFrom },
            CancellationToken.None);
        Notice = Mode == PriceFormMode.Correct
            ? $"Corrected the price of {PriceText.Match(saved)}. Costs already stored keep the figures they were "
                + "computed with; spans stored from now on use the corrected ones."
            : $"Saved: {PriceText.Match(saved)} costs {PriceText.Usd(saved.InputPerMillion)} input and "
                + $"{PriceText.Usd(saved.OutputPerMillion)} output per million tokens from "
                + $"{PriceText.Date(saved.EffectiveFrom)} UTC. It prices spans stored from now on that started on or "
                + "after that date; costs already stored are unchanged.";
        CloseForm();
        await LoadAsync(cancellationToken);
        return true;
    }

    public void RequestDelete(long id) => ConfirmingDelete = id;

    public void CancelDelete() => ConfirmingDelete = null;

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        ConfirmingDelete = null;
        var entry = Find(id);
        var deleted = await prices.DeleteAsync(id, cancellationToken);
        if (deleted)
        {
            CostsLog.PriceDeleted(logger, id);
            await actor.RecordAsync(
                ProjectId,
                AuditActions.PriceDeleted,
                id.ToString(CultureInfo.InvariantCulture),
                new { match = entry?.Match },
                CancellationToken.None);
        }

        if (Draft?.Id == id)
        {
            CloseForm();
        }

        Notice = deleted && entry is not null
            ? $"Deleted the price of {PriceText.Match(entry)} from {PriceText.Date(entry.EffectiveFrom)} UTC. Costs "
                + "already stored are unchanged."
            : "That price entry was already gone.";
        await LoadAsync(cancellationToken);
        return deleted;
    }

    /// <summary>
    /// Which entry of the current price snapshot, the one ingestion uses, would price a span of the shown project
    /// with this model and provider starting at <paramref name="at"/> (now when null).
    /// </summary>
    public PriceProbe? Probe(string? model, string? provider, DateTimeOffset? at)
    {
        var id = model?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var when = at ?? timeProvider.GetUtcNow();
        var name = string.IsNullOrWhiteSpace(provider) ? null : provider.Trim();
        return new PriceProbe(id, name, when, tables.Current.Resolve(ProjectId, id, name, when));
    }

    private static string NewReference() => Guid.NewGuid().ToString("N")[..12];

    private static bool SameFigures(ModelPrice a, ModelPrice b)
        => a.InputPerMillion == b.InputPerMillion
            && a.OutputPerMillion == b.OutputPerMillion
            && a.CacheReadPerMillion == b.CacheReadPerMillion
            && a.CacheWritePerMillion == b.CacheWritePerMillion
            && a.ReasoningPerMillion == b.ReasoningPerMillion
            && a.Tiers.SequenceEqual(b.Tiers);

    /// <summary>
    /// What a price change must do beyond being a valid entry: start after the latest price of its match, which it
    /// follows on the timeline (an earlier date would slot it in before that price, ending where it starts), and
    /// change a figure (the same figures again would only add a copy).
    /// </summary>
    private List<PriceValidationError> ChangeRules(ModelPrice entry)
    {
        if (_changeOf is not { } previous || ModelPriceRules.MatchKey(previous) != ModelPriceRules.MatchKey(entry))
        {
            return [];
        }

        var since = PriceText.Date(previous.EffectiveFrom);
        if (entry.EffectiveFrom <= previous.EffectiveFrom)
        {
            return
            [
                new(
                    nameof(ModelPrice.EffectiveFrom),
                    $"A price change starts after the price it changes, which applies from {since} UTC (entry "
                    + $"{previous.Id}): give a later date. To record a price for an earlier period, add it as a "
                    + "price of its own."),
            ];
        }

        return SameFigures(entry, previous)
            ? [
                new(
                    string.Empty,
                    $"Nothing changed: these are the figures of the price in force since {since} UTC (entry "
                    + $"{previous.Id}). Change a figure to record a new price, or cancel."),
            ]
            : [];
    }

    private void Open(PriceFormMode mode, PriceDraft draft)
    {
        _changeOf = null;
        Mode = mode;
        Draft = draft;
        Errors = [];
        Notice = null;
        ConfirmingDelete = null;
    }

    private ModelPrice? Find(long id) => _entries.FirstOrDefault(e => e.Id == id);

    private bool Covers(ModelPrice entry, string model)
    {
        switch (entry.MatchKind)
        {
            case ModelMatchKind.Exact:
                return string.Equals(entry.Match, model, StringComparison.OrdinalIgnoreCase);
            case ModelMatchKind.Prefix:
                return model.StartsWith(entry.Match, StringComparison.OrdinalIgnoreCase);
            default:
                if (model.Length > PriceTable.MaxPatternInputLength)
                {
                    return false;
                }

                if (!_patterns.TryGetValue(entry.Match, out var pattern))
                {
                    try
                    {
                        pattern = ModelPriceRules.CompilePattern(entry.Match);
                    }
                    catch (ArgumentException)
                    {
                        pattern = null;
                    }

                    _patterns[entry.Match] = pattern;
                }

                try
                {
                    return pattern?.IsMatch(model) == true;
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }
        }
    }
}
