using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Costs;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Costs;
using LlmObserve.Web.Projects;
using Microsoft.Extensions.Logging.Abstractions;
using static LlmObserve.Tests.Costs.PriceFixtures;

namespace LlmObserve.Tests.Costs;

/// <summary>The price settings page's state against a real SQLite store and the shared price snapshot.</summary>
public sealed class PriceSettingsViewModelTests : IDisposable
{
    private readonly CostTestStore _store = new();
    private readonly PriceTableProvider _tables;
    private readonly ModelPriceService _service;
    private readonly PriceSettingsViewModel _model;

    public PriceSettingsViewModelTests()
    {
        _tables = new PriceTableProvider(_store);
        _service = new ModelPriceService(_store, _tables, _store.Time);
        _model = new PriceSettingsViewModel(
            _service,
            _tables,
            TestPeople.CurrentProjectOf(_store, CostTestStore.Project, ProjectRole.Admin),
            _store.Time,
            NullLogger<PriceSettingsViewModel>.Instance,
            TestPeople.AnonymousAuditActor(new AuditLog(_store, _store.Time)));
    }

    [Fact]
    public async Task SaveAsync_NewPrice_IsStoredAndTheSnapshotPricesTheModelFromToday()
    {
        await _model.LoadAsync(CancellationToken.None);
        _model.StartAdd();
        _model.Draft!.Match = "acme-chat";
        _model.Draft.InputPerMillion = 2m;
        _model.Draft.OutputPerMillion = 4m;

        var saved = await _model.SaveAsync(CancellationToken.None);

        Assert.True(saved);
        Assert.Null(_model.Draft);
        Assert.Equal("acme-chat", Assert.Single(_model.Entries).Match);
        var startOfToday = new DateTimeOffset(_store.Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var entry = _tables.Current.Resolve(CostTestStore.Project, "acme-chat", null, startOfToday);
        Assert.Equal(2m, entry?.InputPerMillion);
        Assert.Null(_tables.Current.Resolve(CostTestStore.Project, "acme-chat", null, startOfToday.AddTicks(-1)));
        Assert.Contains("costs already stored are unchanged", _model.Notice, StringComparison.Ordinal);
        var audit = await new AuditLog(_store, _store.Time)
            .ListAsync(CostTestStore.Project, new AuditFilter(), null, 10, CancellationToken.None);
        var recorded = Assert.Single(audit.Events);
        Assert.Equal(AuditActions.PricesChanged, recorded.Action);
        Assert.Equal(AuditActor.Anonymous, recorded.Actor);
        Assert.Equal("acme-chat", recorded.Detail?.GetProperty("match").GetString());
    }

    [Fact]
    public async Task SaveAsync_AsViewer_IsRefusedOnTheServerAndStoresNothing()
    {
        var viewerModel = new PriceSettingsViewModel(
            _service,
            _tables,
            TestPeople.CurrentProjectOf(_store, CostTestStore.Project, ProjectRole.Viewer),
            _store.Time,
            NullLogger<PriceSettingsViewModel>.Instance,
            TestPeople.AnonymousAuditActor(new AuditLog(_store, _store.Time)));
        await viewerModel.LoadAsync(CancellationToken.None);
        var before = viewerModel.Entries.Count;
        viewerModel.StartAdd();
        viewerModel.Draft!.Match = "acme-chat";
        viewerModel.Draft.InputPerMillion = 2m;
        viewerModel.Draft.OutputPerMillion = 4m;

        var refusal = await Assert.ThrowsAsync<ProjectAccessDeniedException>(
            () => viewerModel.SaveAsync(CancellationToken.None));

        Assert.Contains("admin role", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await _service.ListAsync(CostTestStore.Project, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SaveAsync_NegativePrice_KeepsTheFormOpenWithTheReasonAndStoresNothing()
    {
        await _model.LoadAsync(CancellationToken.None);
        _model.StartAdd();
        _model.Draft!.Match = "acme-chat";
        _model.Draft.InputPerMillion = -1m;
        _model.Draft.OutputPerMillion = 4m;

        var saved = await _model.SaveAsync(CancellationToken.None);

        Assert.False(saved);
        Assert.NotNull(_model.Draft);
        var error = Assert.Single(_model.Errors);
        Assert.Equal(nameof(ModelPrice.InputPerMillion), error.Field);
        Assert.Empty(await _service.ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_MissingPriceBadDateAndBadPattern_ReportsEveryReasonAtOnce()
    {
        await _model.LoadAsync(CancellationToken.None);
        _model.StartAdd();
        _model.Draft!.MatchKind = ModelMatchKind.Pattern;
        _model.Draft.Match = "acme-(chat";
        _model.Draft.EffectiveFrom = "2026-13-01";
        _model.Draft.OutputPerMillion = -4m;

        await _model.SaveAsync(CancellationToken.None);

        Assert.Equal(
            [
                nameof(ModelPrice.EffectiveFrom), nameof(ModelPrice.InputPerMillion), nameof(ModelPrice.Match),
                nameof(ModelPrice.OutputPerMillion),
            ],
            _model.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StartChange_EntryInForce_DraftsANewEntryFromToday()
    {
        var stored = await StoreAsync(Price("acme-chat", 2m, 4m, from: Jan1));
        await _model.LoadAsync(CancellationToken.None);

        _model.StartChange(stored.Id);

        Assert.Equal(PriceFormMode.Change, _model.Mode);
        Assert.Equal(0, _model.Draft!.Id);
        Assert.Equal("2026-12-01", _model.Draft.EffectiveFrom);
        Assert.Equal(2m, _model.Draft.InputPerMillion);
    }

    [Fact]
    public async Task SaveAsync_PriceChange_AddsAnEntryAndLeavesTheEarlierPeriodPricedAsBefore()
    {
        var stored = await StoreAsync(Price("acme-chat", 2m, 4m, from: Jan1));
        await _model.LoadAsync(CancellationToken.None);
        _model.StartChange(stored.Id);
        _model.Draft!.EffectiveFrom = "2026-06-01";
        _model.Draft.InputPerMillion = 1m;

        await _model.SaveAsync(CancellationToken.None);

        Assert.Equal(2, _model.Entries.Count);
        Assert.Equal(2m, _tables.Current.Resolve(CostTestStore.Project, "acme-chat", null, Mar1)!.InputPerMillion);
        Assert.Equal(1m, _tables.Current.Resolve(CostTestStore.Project, "acme-chat", null, Jun1)!.InputPerMillion);
        Assert.Equal(PriceStatus.Superseded, _model.StatusOf(_model.Entries[0]));
        Assert.Equal(PriceStatus.InForce, _model.StatusOf(_model.Entries[1]));
    }

    [Fact]
    public async Task SaveAsync_ChangeOnTheSameDate_IsRefusedBesideEffectiveFrom()
    {
        var stored = await StoreAsync(Price("acme-chat", 2m, 4m, from: Jan1));
        await _model.LoadAsync(CancellationToken.None);
        _model.StartChange(stored.Id);
        _model.Draft!.EffectiveFrom = "2026-01-01";

        var saved = await _model.SaveAsync(CancellationToken.None);

        Assert.False(saved);
        Assert.Equal(nameof(ModelPrice.EffectiveFrom), Assert.Single(_model.Errors).Field);
    }

    [Fact]
    public async Task SaveAsync_ChangeSavedUnchanged_IsRefusedAndAddsNoCopy()
    {
        var price = Price("acme-chat", 2m, 4m, from: Jan1);
        price.Source = "acme.example pricing page, read 2026-01-02";
        var stored = await StoreAsync(price);
        await _model.LoadAsync(CancellationToken.None);
        _model.StartChange(stored.Id);

        var saved = await _model.SaveAsync(CancellationToken.None);

        Assert.False(saved);
        var error = Assert.Single(_model.Errors);
        Assert.Equal(string.Empty, error.Field);
        Assert.Contains("Nothing changed", error.Message, StringComparison.Ordinal);
        var entry = Assert.Single(await _service.ListAsync(null, CancellationToken.None));
        Assert.Equal(price.Source, entry.Source);
    }

    [Fact]
    public async Task SaveAsync_ChangeFromBeforeThePriceItChanges_IsRefusedBesideEffectiveFrom()
    {
        var stored = await StoreAsync(Price("acme-chat", 2m, 4m, from: Mar1));
        await _model.LoadAsync(CancellationToken.None);
        _model.StartChange(stored.Id);
        _model.Draft!.EffectiveFrom = "2026-01-01";
        _model.Draft.InputPerMillion = 3m;

        var saved = await _model.SaveAsync(CancellationToken.None);

        Assert.False(saved);
        var error = Assert.Single(_model.Errors);
        Assert.Equal(nameof(ModelPrice.EffectiveFrom), error.Field);
        Assert.Contains("starts after the price it changes, which applies from 2026-03-01", error.Message,
            StringComparison.Ordinal);
        Assert.Single(await _service.ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_EarlierPeriodAddedAsItsOwnPrice_IsKeptAndPricesOnlyThatPeriod()
    {
        await StoreAsync(Price("acme-chat", 2m, 4m, from: Mar1));
        await _model.LoadAsync(CancellationToken.None);
        _model.StartAdd();
        _model.Draft!.Match = "acme-chat";
        _model.Draft.EffectiveFrom = "2026-01-01";
        _model.Draft.InputPerMillion = 3m;
        _model.Draft.OutputPerMillion = 6m;

        var saved = await _model.SaveAsync(CancellationToken.None);

        // Entries only start: the earlier one ends where the later begins, so nothing overlaps.
        Assert.True(saved);
        Assert.Equal(3m, _tables.Current.Resolve(CostTestStore.Project, "acme-chat", null, Jan1)!.InputPerMillion);
        Assert.Equal(2m, _tables.Current.Resolve(CostTestStore.Project, "acme-chat", null, Mar1)!.InputPerMillion);
    }

    [Theory]
    [InlineData("1e400", "out of range")]
    [InlineData("79228162514264337593543950336", "out of range")]
    [InlineData("two", "is not a number")]
    public async Task SaveAsync_PriceTextThatIsNoPrice_RefusedBesideItsFieldAndKeptAsTyped(
        string text,
        string reason)
    {
        await _model.LoadAsync(CancellationToken.None);
        _model.StartAdd();
        _model.Draft!.Match = "acme-chat";
        _model.Draft.InputPerMillion = 2m;
        _model.Draft.OutputPerMillion = 4m;
        _model.Draft.CacheRead.Text = text;

        var saved = await _model.SaveAsync(CancellationToken.None);

        Assert.False(saved);
        var error = Assert.Single(_model.Errors);
        Assert.Equal(nameof(ModelPrice.CacheReadPerMillion), error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(text, _model.Draft.CacheRead.Text);
        Assert.Empty(await _service.ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_CorrectionOfABuiltInPrice_ChangesItInPlaceAndKeepsItsKey()
    {
        var stored = await StoreAsync(Price("acme-chat", 2m, 4m, builtInKey: "acme/chat"));
        await _model.LoadAsync(CancellationToken.None);
        _model.StartCorrection(stored.Id);
        _model.Draft!.OutputPerMillion = 5m;

        await _model.SaveAsync(CancellationToken.None);

        var entry = Assert.Single(_model.Entries);
        Assert.Equal(stored.Id, entry.Id);
        Assert.Equal(5m, entry.OutputPerMillion);
        Assert.Equal("acme/chat", entry.BuiltInKey);
    }

    [Fact]
    public async Task DeleteAsync_BuiltInPrice_IsRemovedAndTheModelIsUnpriced()
    {
        var stored = await StoreAsync(Price("acme-chat", 2m, 4m, builtInKey: "acme/chat"));
        await _model.LoadAsync(CancellationToken.None);

        var deleted = await _model.DeleteAsync(stored.Id, CancellationToken.None);

        Assert.True(deleted);
        Assert.Empty(_model.Entries);
        Assert.Null(_model.Probe("acme-chat", null, Mar1)!.Entry);
    }

    [Fact]
    public async Task Filter_DatedModelId_FindsThePatternAndPrefixThatCoverIt()
    {
        await StoreAsync(Price("acme-chat(-\\d{4}-\\d{2}-\\d{2})?", 2m, 4m, ModelMatchKind.Pattern));
        await StoreAsync(Price("acme-", 1m, 1m, ModelMatchKind.Prefix));
        await StoreAsync(Price("other-model", 1m, 1m));
        await _model.LoadAsync(CancellationToken.None);

        var rows = _model.Filter("acme-chat-2026-05-01");

        Assert.Equal([ModelMatchKind.Pattern, ModelMatchKind.Prefix], rows.Select(r => r.MatchKind).Order());
        Assert.Equal(3, _model.Filter(" ").Count);
        Assert.Equal("other-model", Assert.Single(_model.Filter("OTHER")).Match);
    }

    [Fact]
    public async Task Probe_ProjectPriceAndGlobalPrice_NamesTheProjectsEntry()
    {
        await StoreAsync(Price("acme-chat", 2m, 4m));
        await StoreAsync(Price("acme-chat", 1m, 3m, project: CostTestStore.Project));
        await _model.LoadAsync(CancellationToken.None);

        var probe = _model.Probe(" acme-chat ", null, Mar1);

        Assert.Equal("acme-chat", probe!.Model);
        Assert.Equal(CostTestStore.Project, probe.Entry!.ProjectId);
        Assert.Null(_model.Probe("acme-chat", null, Jan1.AddDays(-1))!.Entry);
        Assert.Null(_model.Probe("", null, null));
    }

    public void Dispose() => _store.Dispose();

    private async Task<ModelPrice> StoreAsync(ModelPrice price)
    {
        var result = await _service.SaveAsync(price, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));

        if (price.BuiltInKey is null)
        {
            return result.Saved!;
        }

        // The service stores what people make; a built-in default is marked as the seeder would.
        await using var db = _store.CreateDbContext();
        var row = await db.ModelPrices.FindAsync(result.Saved!.Id);
        row!.BuiltInKey = price.BuiltInKey;
        await db.SaveChangesAsync();
        await _tables.ReloadAsync(CancellationToken.None);
        return row;
    }
}
