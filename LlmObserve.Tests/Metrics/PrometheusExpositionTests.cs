using LlmObserve.Core.Metrics;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Ingestion.Writer;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Metrics;

/// <summary>Which cost series <c>/metrics</c> shows as the all-time rollups change under it.</summary>
public sealed class PrometheusExpositionTests : IAsyncLifetime
{
    private readonly WriterTestStore _store = new();
    private PrometheusExposition _exposition = null!;

    public Task InitializeAsync()
    {
        _exposition = new PrometheusExposition(new Factory(_store));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Cost_NeverPriced_IsAbsentRatherThanZero()
    {
        await SetAsync(modelCalls: 2, unpricedCalls: 2, costNanoUsd: 0);

        var text = await ScrapeAsync();

        Assert.DoesNotContain("llmobserve_cost_usd{", text, StringComparison.Ordinal);
        Assert.Contains("llmobserve_unpriced_calls{" + Labels + "} 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cost_PricedCallTakenBackWhileUnpricedOnesRemain_StaysAtZero()
    {
        await SetAsync(modelCalls: 2, unpricedCalls: 1, costNanoUsd: 5_000_000);
        var before = await ScrapeAsync();

        await SetAsync(modelCalls: 1, unpricedCalls: 1, costNanoUsd: 0);
        var after = await ScrapeAsync();

        Assert.Contains("llmobserve_cost_usd{" + Labels + "} 0.005", before, StringComparison.Ordinal);
        Assert.Contains("llmobserve_cost_usd{" + Labels + "} 0\n", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cost_EveryCallTakenBack_StaysAtZeroUntilTheNextStart()
    {
        await SetAsync(modelCalls: 1, unpricedCalls: 0, costNanoUsd: 5_000_000);
        await ScrapeAsync();
        await SetAsync(modelCalls: 0, unpricedCalls: 0, costNanoUsd: 0);

        var after = await ScrapeAsync();
        var restarted = await new PrometheusExposition(new Factory(_store)).WriteTextAsync();

        Assert.Contains("llmobserve_cost_usd{" + Labels + "} 0\n", after, StringComparison.Ordinal);
        Assert.DoesNotContain("llmobserve_cost_usd{", restarted, StringComparison.Ordinal);
    }

    private const string Labels = "project=\"p1\",environment=\"prod\",model=\"zz-model\"";

    private Task<string> ScrapeAsync() => _exposition.WriteTextAsync();

    private async Task SetAsync(long modelCalls, long unpricedCalls, long costNanoUsd)
    {
        await using var db = _store.CreateDbContext();
        var row = await db.MetricRollups.SingleOrDefaultAsync(r => r.Model == "zz-model");
        if (row is null)
        {
            row = new MetricRollup
            {
                ProjectId = WriterTestStore.Project,
                Resolution = RollupResolution.AllTime,
                BucketStart = 0,
                Environment = "prod",
                Model = "zz-model",
            };
            db.MetricRollups.Add(row);
        }

        row.Requests = modelCalls;
        row.ModelCalls = modelCalls;
        row.UnpricedCalls = unpricedCalls;
        row.CostNanoUsd = costNanoUsd;
        await db.SaveChangesAsync();
    }

    private sealed class Factory(WriterTestStore store) : IDbContextFactory<LlmObserveDbContext>
    {
        public LlmObserveDbContext CreateDbContext() => store.CreateDbContext();
    }
}

/// <summary>The exposition as text, for tests.</summary>
internal static class ExpositionText
{
    public static async Task<string> WriteTextAsync(this PrometheusExposition exposition)
    {
        await using var writer = new StringWriter();
        await exposition.WriteAsync(writer, WriterTestStore.Project, default);
        return writer.ToString();
    }
}
