using System.Reflection;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Ingestion.Writer;

/// <summary>Spans are inserted with one command per set of filled columns; every set must store the same row.</summary>
public sealed class SpanInsertCommandsTests : IAsyncLifetime
{
    private static readonly PropertyInfo[] OptionalProperties = typeof(SpanEntity)
        .GetProperties()
        .Where(p => p.PropertyType == typeof(string) || Nullable.GetUnderlyingType(p.PropertyType) is not null)
        .Where(p => p.Name is not (nameof(SpanEntity.ProjectId) or nameof(SpanEntity.TraceId)
            or nameof(SpanEntity.SpanId) or nameof(SpanEntity.Name) or nameof(SpanEntity.Type)
            or nameof(SpanEntity.Status)))
        .ToArray();

    private readonly WriterTestStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task WriteAsync_SpanWithEveryField_StoresEveryValue()
    {
        var writer = _store.StartWriter();
        var span = Span(TraceId(1), 1);
        foreach (var property in OptionalProperties)
        {
            property.SetValue(span, SampleValue(property));
        }

        span.UsageEstimated = true;
        span.CostReported = true;
        span.IngestedAtUnixNano = 42;

        await writer.WriteAsync(Batch(span), default);

        await using var db = _store.CreateDbContext();
        var stored = await db.Spans.AsNoTracking().SingleAsync();
        Assert.All(OptionalProperties, p => Assert.Equal(p.GetValue(span), p.GetValue(stored)));
        Assert.True(stored.UsageEstimated && stored.CostReported);
        Assert.Equal(42, stored.IngestedAtUnixNano);
    }

    [Fact]
    public async Task WriteAsync_MoreShapesThanCached_StoresEverySpan()
    {
        var writer = _store.StartWriter();
        var spans = new List<SpanEntity>();
        for (var n = 0; n < 100; n++)
        {
            var span = Span(TraceId(1), n + 1);
            for (var bit = 0; bit < 7; bit++)
            {
                if ((n & (1 << bit)) != 0)
                {
                    OptionalProperties[bit].SetValue(span, SampleValue(OptionalProperties[bit]));
                }
            }

            spans.Add(span);
        }

        var result = await writer.WriteAsync(Batch([.. spans]), default);

        Assert.Equal(100, result.SpansWritten);
        await using var db = _store.CreateDbContext();
        var stored = await db.Spans.AsNoTracking().OrderBy(s => s.Id).ToListAsync();
        Assert.All(
            stored.Zip(spans),
            pair => Assert.All(OptionalProperties, p => Assert.Equal(p.GetValue(pair.Second), p.GetValue(pair.First))));
    }

    private static object SampleValue(PropertyInfo property)
        => (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType).Name switch
        {
            nameof(String) => $"{property.Name}-value",
            nameof(Int64) => (object)(property.Name.Length * 1000L),
            nameof(Double) => (object)(property.Name.Length / 8.0),
            _ => throw new InvalidOperationException($"No sample for {property.Name}."),
        };
}
