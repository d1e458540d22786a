using LlmObserve.Core.Costs;
using LlmObserve.Web.Costs;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LlmObserve.Web.Components.Pages.Settings;

/// <summary>
/// The form for one price entry. Every reason the entry was refused shows beside the field it names; a reason that
/// names no field on the form shows above it, so none is lost. The form edits the draft it is given and leaves
/// saving to its owner.
/// </summary>
public sealed partial class PriceForm
{
    private static readonly string[] _entryFields =
    [
        nameof(ModelPrice.MatchKind), nameof(ModelPrice.Match), nameof(ModelPrice.Provider),
        nameof(ModelPrice.ProjectId), nameof(ModelPrice.EffectiveFrom), nameof(ModelPrice.Source),
        nameof(ModelPrice.InputPerMillion), nameof(ModelPrice.OutputPerMillion), nameof(ModelPrice.CacheReadPerMillion),
        nameof(ModelPrice.CacheWritePerMillion), nameof(ModelPrice.ReasoningPerMillion),
    ];

    private static readonly string[] _tierFields =
    [
        nameof(PriceTier.AboveInputTokens), nameof(PriceTier.InputPerMillion), nameof(PriceTier.OutputPerMillion),
        nameof(PriceTier.CacheReadPerMillion), nameof(PriceTier.CacheWritePerMillion),
        nameof(PriceTier.ReasoningPerMillion),
    ];

    // A decimal keypad on touch devices; the text itself is read by the draft.
    private static readonly InputMode DecimalMode = InputMode.@decimal;

    [Parameter, EditorRequired]
    public PriceDraft Draft { get; set; } = default!;

    [Parameter]
    public PriceFormMode Mode { get; set; }

    /// <summary>Why the draft was refused, each naming its field as <see cref="PriceValidationError"/> does.</summary>
    [Parameter]
    public IReadOnlyList<PriceValidationError> Errors { get; set; } = [];

    /// <summary>The shown project; null while there is none, so no price can be limited to it.</summary>
    [Parameter]
    public string? ProjectId { get; set; }

    [Parameter]
    public bool Saving { get; set; }

    [Parameter]
    public EventCallback OnSave { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    [Parameter]
    public EventCallback OnAddTier { get; set; }

    [Parameter]
    public EventCallback<int> OnRemoveTier { get; set; }

    private string Title => Mode switch
    {
        PriceFormMode.Change => $"New price for {Draft.Match} from a later date",
        PriceFormMode.Correct => $"Correct the entry for {Draft.Match}",
        _ => "Add a price",
    };

    private string SaveLabel => Mode == PriceFormMode.Correct ? "Save correction" : "Save price";

    private string Explanation => Mode switch
    {
        PriceFormMode.Change =>
            "A price change is a new entry with a later effective date. The earlier entry stays and keeps pricing "
            + "spans that started before this date. Costs are computed when a span is stored, so nothing already "
            + "stored is re-priced.",
        PriceFormMode.Correct =>
            "Correcting changes this entry in place, which is for fixing a mistake (a wrong figure, date or match). "
            + "It re-prices nothing already stored: costs are computed when a span is stored, so only spans stored "
            + "from now on use the corrected entry. If the provider changed its price, add a new price from a date "
            + "instead, so the old price keeps its period.",
        _ =>
            "The price applies to spans that start on or after its effective date and are stored from now on. Costs "
            + "are computed when a span is stored, so nothing already stored is re-priced.",
    };

    private string KindHelp => Draft.MatchKind switch
    {
        ModelMatchKind.Prefix => "Longest prefix wins; dated ids like gpt-4o-2024-08-06 match gpt-4o",
        ModelMatchKind.Pattern => ".NET regex over the whole id; no look-arounds or back-references",
        _ => "Only this id, ignoring case",
    };

    /// <summary>Reasons that name no field shown on the form (the entry is gone, the store failed).</summary>
    private IEnumerable<string> UnplacedErrors => Errors
        .Where(e => !IsPlaced(e.Field))
        .Select(e => e.Message);

    private static string FieldId(string field) => field switch
    {
        nameof(ModelPrice.InputPerMillion) => "input",
        nameof(ModelPrice.OutputPerMillion) => "output",
        nameof(ModelPrice.CacheReadPerMillion) => "cache-read",
        nameof(ModelPrice.CacheWritePerMillion) => "cache-write",
        nameof(ModelPrice.ReasoningPerMillion) => "reasoning",
        _ => field.ToLowerInvariant(),
    };

    private bool HasError(string field) => Errors.Any(e => e.Field == field);

    private string? ErrorText(string field)
    {
        var messages = Errors.Where(e => e.Field == field).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    private bool IsPlaced(string field)
    {
        if (_entryFields.Contains(field))
        {
            return true;
        }

        for (var i = 0; i < Draft.Tiers.Count; i++)
        {
            var prefix = $"{nameof(ModelPrice.Tiers)}[{i}].";
            if (field.StartsWith(prefix, StringComparison.Ordinal) && _tierFields.Contains(field[prefix.Length..]))
            {
                return true;
            }
        }

        return false;
    }
}
