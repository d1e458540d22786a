using LlmObserve.Core.Costs;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Costs.PriceFixtures;

namespace LlmObserve.Tests.Costs;

/// <summary>Seeding the defaults into a real SQLite store, start after start.</summary>
public sealed class ModelPriceSeederTests : IDisposable
{
    private readonly CostTestStore _store = new();

    [Fact]
    public async Task SeedAsync_BuiltInDefaults_AreAllStoredOnceAcrossRestarts()
    {
        var seeder = new ModelPriceSeeder(_store, _store.Time);

        var first = await seeder.SeedAsync(CancellationToken.None);
        var second = await seeder.SeedAsync(CancellationToken.None);

        Assert.Equal(BuiltInPrices.All().Count, first.Added);
        Assert.Equal(new PriceSeedReport(0, 0, 0, []), second with { Conflicts = [] });
        Assert.Empty(second.Conflicts);
        Assert.Equal(BuiltInPrices.All().Count, await CountAsync());
    }

    [Fact]
    public async Task SeedAsync_ShippedFiguresChange_UpdatesAnUntouchedRow()
    {
        var seeder = new ModelPriceSeeder(_store, _store.Time);
        await seeder.SeedAsync([Default("acme", 1.00m)], CancellationToken.None);

        var report = await seeder.SeedAsync([Default("acme", 0.90m)], CancellationToken.None);

        Assert.Equal(1, report.Updated);
        Assert.Equal(0.90m, (await RowAsync("test/acme")).InputPerMillion);
    }

    [Fact]
    public async Task SeedAsync_ShippedFiguresChange_NeverOverwritesAnEditedRow()
    {
        var seeder = new ModelPriceSeeder(_store, _store.Time);
        await seeder.SeedAsync([Default("acme", 1.00m)], CancellationToken.None);
        var service = new ModelPriceService(_store, new PriceTableProvider(_store), _store.Time);
        var edited = await RowAsync("test/acme");
        edited.InputPerMillion = 0.75m;
        Assert.True((await service.SaveAsync(edited, CancellationToken.None)).Succeeded);

        var report = await seeder.SeedAsync([Default("acme", 0.90m)], CancellationToken.None);

        Assert.Equal((0, 1), (report.Updated, report.LeftAlone));
        Assert.Equal(0.75m, (await RowAsync("test/acme")).InputPerMillion);
    }

    [Fact]
    public async Task SeedAsync_DeletedDefault_IsNotBroughtBack()
    {
        var seeder = new ModelPriceSeeder(_store, _store.Time);
        await seeder.SeedAsync([Default("acme", 1.00m)], CancellationToken.None);
        var service = new ModelPriceService(_store, new PriceTableProvider(_store), _store.Time);
        Assert.True(await service.DeleteAsync((await RowAsync("test/acme")).Id, CancellationToken.None));

        await seeder.SeedAsync([Default("acme", 1.00m)], CancellationToken.None);
        await seeder.SeedAsync([Default("acme", 0.90m)], CancellationToken.None);

        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task SeedAsync_DefaultCoveredByAnEntryPeopleMade_KeepsThePeoplesEntry()
    {
        var service = new ModelPriceService(_store, new PriceTableProvider(_store), _store.Time);
        await service.SaveAsync(Price("acme", 0.50m, 1.00m), CancellationToken.None);

        var report = await new ModelPriceSeeder(_store, _store.Time)
            .SeedAsync([Default("acme", 1.00m)], CancellationToken.None);

        Assert.Equal(0, report.Added);
        Assert.Contains("test/acme", Assert.Single(report.Conflicts), StringComparison.Ordinal);
        await using var db = _store.CreateDbContext();
        Assert.Equal(0.50m, (await db.ModelPrices.SingleAsync()).InputPerMillion);
    }

    [Fact]
    public async Task SeedAsync_NewDefaultInALaterRelease_IsAddedBesideTheOldOnes()
    {
        var seeder = new ModelPriceSeeder(_store, _store.Time);
        await seeder.SeedAsync([Default("acme", 1.00m)], CancellationToken.None);

        var report = await seeder.SeedAsync(
            [Default("acme", 1.00m), Default("acme", 0.50m, "test/acme@mar", Mar1)],
            CancellationToken.None);

        Assert.Equal(1, report.Added);
        Assert.Equal(2, await CountAsync());
    }

    public void Dispose() => _store.Dispose();

    private static ModelPrice Default(string match, decimal input, string? key = null, DateTimeOffset? from = null)
        => Price(match, input, 2.00m, from: from, builtInKey: key ?? $"test/{match}");

    private async Task<ModelPrice> RowAsync(string key)
    {
        await using var db = _store.CreateDbContext();
        return await db.ModelPrices.AsNoTracking().SingleAsync(p => p.BuiltInKey == key);
    }

    private async Task<int> CountAsync()
    {
        await using var db = _store.CreateDbContext();
        return await db.ModelPrices.CountAsync();
    }
}
