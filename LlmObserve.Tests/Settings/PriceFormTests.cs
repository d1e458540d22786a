using AngleSharp.Dom;
using Bunit;
using LlmObserve.Core.Costs;
using LlmObserve.Web.Components.Pages.Settings;
using LlmObserve.Web.Costs;
using MudBlazor;
using MudBlazor.Services;

namespace LlmObserve.Tests.Settings;

/// <summary>The price form shows each reason the engine gives beside the field that reason names.</summary>
public sealed class PriceFormTests : IAsyncLifetime
{
    private static readonly DateTimeOffset _jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // MudBlazor's services are disposed asynchronously only, so the context is too.
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Render<MudPopoverProvider>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void PriceForm_NegativeInputPrice_ShowsTheReasonBesideTheInputField()
    {
        var draft = Draft("acme-chat", input: -1m, output: 4m);

        var form = RenderForm(draft, Refusal(draft));

        Assert.Contains("Input price must not be negative.", ErrorBeside(form, nameof(ModelPrice.InputPerMillion)));
        Assert.Null(ErrorBesideOrNull(form, nameof(ModelPrice.OutputPerMillion)));
        Assert.Empty(form.FindAll("[data-testid=price-form-error]"));
    }

    [Fact]
    public void PriceForm_PatternThatDoesNotCompile_ShowsTheReasonBesideTheMatch()
    {
        var draft = Draft("acme-(chat", kind: ModelMatchKind.Pattern);

        var form = RenderForm(draft, Refusal(draft));

        Assert.StartsWith(
            "The pattern does not compile:",
            ErrorBeside(form, nameof(ModelPrice.Match)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void PriceForm_TiersOutOfOrder_ShowsTheReasonBesideTheSecondTiersThreshold()
    {
        var draft = Draft("acme-chat");
        draft.Tiers.Add(new PriceTierDraft { AboveInputTokens = 200_000, InputPerMillion = 3, OutputPerMillion = 6 });
        draft.Tiers.Add(new PriceTierDraft { AboveInputTokens = 100_000, InputPerMillion = 4, OutputPerMillion = 8 });

        var form = RenderForm(draft, Refusal(draft));

        Assert.Null(ErrorBesideOrNull(form, "Tiers[0].AboveInputTokens"));
        Assert.Contains(
            "Tiers must be in increasing order of prompt size",
            ErrorBeside(form, "Tiers[1].AboveInputTokens"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void PriceForm_SameMatchAndDateAsAStoredEntry_ShowsTheReasonBesideEffectiveFrom()
    {
        var stored = Stored("acme-chat", id: 7);
        var draft = Draft("ACME-chat");

        var form = RenderForm(draft, Refusal(draft, stored));

        Assert.Contains(
            "already starts at 2026-01-01 00:00 UTC (entry 7)",
            ErrorBeside(form, nameof(ModelPrice.EffectiveFrom)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void PriceForm_MissingOutputAndUnreadableDate_ShowsBothReasonsBesideTheirFields()
    {
        var draft = Draft("acme-chat", output: null);
        draft.EffectiveFrom = "next tuesday";

        var form = RenderForm(draft, Refusal(draft));

        Assert.Contains(
            "Enter the output price",
            ErrorBeside(form, nameof(ModelPrice.OutputPerMillion)),
            StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", ErrorBeside(form, nameof(ModelPrice.EffectiveFrom)), StringComparison.Ordinal);
    }

    [Fact]
    public void PriceForm_ReasonNamingNoFieldOnTheForm_ShowsItAboveTheForm()
    {
        var draft = Draft("acme-chat");
        draft.Id = 42;
        PriceValidationError[] errors = [new(nameof(ModelPrice.Id), "Price entry 42 no longer exists.")];

        var form = RenderForm(draft, errors, PriceFormMode.Correct);

        var reason = form.Find("[data-testid=price-form-error]").TextContent.Trim();
        Assert.Equal("Price entry 42 no longer exists.", reason);
    }

    [Fact]
    public void PriceForm_MarkupInTheMatch_IsShownAsTextInTheReason()
    {
        var stored = Stored("<img src=x onerror=alert(1)>", id: 3);
        var draft = Draft("<img src=x onerror=alert(1)>");

        var form = RenderForm(draft, Refusal(draft, stored));

        Assert.Empty(form.FindAll("img"));
        Assert.Contains(
            "<img src=x onerror=alert(1)>",
            ErrorBeside(form, nameof(ModelPrice.EffectiveFrom)),
            StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void PriceForm_CorrectingAnEntry_SaysNothingStoredIsRepricedAndPointsToAPriceChange()
    {
        var draft = Draft("acme-chat");

        var form = RenderForm(draft, [], PriceFormMode.Correct);

        var explanation = form.Find("[data-testid=price-form-explanation]").TextContent;
        Assert.Contains("re-prices nothing already stored", explanation, StringComparison.Ordinal);
        Assert.Contains("add a new price from a date instead", explanation, StringComparison.Ordinal);
    }

    private static PriceDraft Draft(
        string match,
        decimal? input = 2m,
        decimal? output = 4m,
        string kind = ModelMatchKind.Exact) => new()
        {
            MatchKind = kind,
            Match = match,
            EffectiveFrom = "2026-01-01",
            InputPerMillion = input,
            OutputPerMillion = output,
        };

    private static ModelPrice Stored(string match, long id)
    {
        var (entry, _) = Draft(match).ToEntry(projectId: null);
        entry.Id = id;
        entry.EffectiveFrom = _jan1;
        ModelPriceRules.Normalize(entry);
        return entry;
    }

    private static IReadOnlyList<PriceValidationError> Refusal(PriceDraft draft, params ModelPrice[] stored)
        => draft.Check(projectId: null, stored).Errors;

    private static string ErrorBeside(IRenderedComponent<PriceForm> form, string field)
        => ErrorBesideOrNull(form, field) ?? throw new Xunit.Sdk.XunitException($"No reason shows beside {field}.");

    private static string? ErrorBesideOrNull(IRenderedComponent<PriceForm> form, string field)
    {
        IElement container = form.Find($"[data-field='{field}']");
        var helper = container.QuerySelector(".mud-input-helper-text.mud-input-error");
        return helper?.TextContent.Trim() is { Length: > 0 } text ? text : null;
    }

    private IRenderedComponent<PriceForm> RenderForm(
        PriceDraft draft,
        IReadOnlyList<PriceValidationError> errors,
        PriceFormMode mode = PriceFormMode.Add)
        => _context.Render<PriceForm>(p => p
            .Add(f => f.Draft, draft)
            .Add(f => f.Errors, errors)
            .Add(f => f.Mode, mode));
}
