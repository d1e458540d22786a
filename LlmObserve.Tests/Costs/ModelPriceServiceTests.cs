using LlmObserve.Core.Costs;
using static LlmObserve.Tests.Costs.PriceFixtures;

namespace LlmObserve.Tests.Costs;

/// <summary>Editing the price table in a real SQLite store, and the shared snapshot that follows the edits.</summary>
public sealed class ModelPriceServiceTests : IDisposable
{
    private readonly CostTestStore _store = new();
    private readonly PriceTableProvider _tables;
    private readonly ModelPriceService _service;

    public ModelPriceServiceTests()
    {
        _tables = new PriceTableProvider(_store);
        _service = new ModelPriceService(_store, _tables, _store.Time);
    }

    [Fact]
    public async Task SaveAsync_ValidEntry_IsStoredAndTheSnapshotPricesWithIt()
    {
        var before = _tables.Current;

        var result = await _service.SaveAsync(
            Price(
                "acme",
                1.00m,
                2.00m,
                tiers: [new PriceTier { AboveInputTokens = 1_000, InputPerMillion = 3, OutputPerMillion = 4 }]),
            CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.NotEqual(0, result.Saved!.Id);
        Assert.True(_tables.Current.Version > before.Version);
        var stored = _tables.Current.Resolve(CostTestStore.Project, "acme", null, Mar1)!;
        Assert.Equal(3m, Assert.Single(stored.Tiers).InputPerMillion);
    }

    [Fact]
    public async Task SaveAsync_InvalidEntry_IsRefusedWithEveryReasonAndNothingStored()
    {
        var result = await _service.SaveAsync(Price("acme(", -1, 2, ModelMatchKind.Pattern), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(
            [nameof(ModelPrice.Match), nameof(ModelPrice.InputPerMillion)],
            result.Errors.Select(e => e.Field));
        Assert.Empty(await _service.ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_SecondEntrySameMatchAndDate_IsRefused()
    {
        await _service.SaveAsync(Price("acme", 1, 2), CancellationToken.None);

        var result = await _service.SaveAsync(Price("ACME", 3, 4), CancellationToken.None);

        Assert.Equal(nameof(ModelPrice.EffectiveFrom), Assert.Single(result.Errors).Field);
    }

    [Fact]
    public async Task ListAsync_ProjectEntries_OnlyShowForTheirProject()
    {
        await _service.SaveAsync(Price("acme", 1, 2), CancellationToken.None);
        await _service.SaveAsync(Price("acme", 0.5m, 1, project: CostTestStore.Project), CancellationToken.None);

        Assert.Single(await _service.ListAsync(null, CancellationToken.None));
        Assert.Equal(2, (await _service.ListAsync(CostTestStore.Project, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ReloadIfChangedAsync_EditFromAnotherInstance_IsPickedUp()
    {
        await _tables.ReloadAsync(CancellationToken.None);
        var unchanged = await _tables.ReloadIfChangedAsync(CancellationToken.None);
        var otherInstance = new ModelPriceService(_store, new PriceTableProvider(_store), _store.Time);
        await otherInstance.SaveAsync(Price("acme", 1, 2), CancellationToken.None);

        var reloaded = await _tables.ReloadIfChangedAsync(CancellationToken.None);

        Assert.Same(_tables.Current, reloaded);
        Assert.NotSame(unchanged, reloaded);
        Assert.NotNull(reloaded.Resolve(null, "acme", null, Mar1));
    }

    public void Dispose() => _store.Dispose();
}
