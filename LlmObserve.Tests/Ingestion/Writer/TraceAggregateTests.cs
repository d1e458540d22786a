using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Metrics;
using static LlmObserve.Tests.Ingestion.Writer.TestSpans;

namespace LlmObserve.Tests.Ingestion.Writer;

/// <summary>The trace row the writer derives from all stored spans of a trace, whatever order they came in.</summary>
public sealed class TraceAggregateTests : IAsyncLifetime
{
    private readonly WriterTestStore _store = new();
    private GroupCommitSpanWriter _writer = null!;

    public Task InitializeAsync()
    {
        _writer = _store.StartWriter();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Aggregate_ChildBeforeParentInSeparateBatches_RootMissingSetThenCleared()
    {
        var trace = TraceId(1);
        var child = Span(trace, 2, parent: 1, name: "llm", type: SpanType.Generation, startOffset: 2, endOffset: 5);
        var root = Span(trace, 1, name: "answer-question", type: SpanType.Chain, startOffset: 1, endOffset: 9);

        await _writer.WriteAsync(Batch(child), default);
        var before = await _store.TraceAsync(trace);
        _store.Time.Now = _store.Time.Now.AddMinutes(1);
        await _writer.WriteAsync(Batch(root), default);
        var after = await _store.TraceAsync(trace);

        Assert.True(before.RootMissing);
        Assert.Equal("llm", before.Name);
        Assert.Equal(1, before.SpanCount);
        Assert.False(after.RootMissing);
        Assert.Equal("answer-question", after.Name);
        Assert.Equal(2, after.SpanCount);
        Assert.Equal(T0 + Second, after.StartTimeUnixNano);
        Assert.Equal(T0 + (9 * Second), after.EndTimeUnixNano);
        Assert.Equal(8000, after.LatencyMs, precision: 6);
        Assert.Equal((_store.Time.Now - DateTimeOffset.UnixEpoch).Ticks * 100, after.UpdatedAtUnixNano);
    }

    [Theory]
    [InlineData(SpanStatus.Unset, SpanStatus.Unset, SpanStatus.Unset, 0)]
    [InlineData(SpanStatus.Ok, SpanStatus.Unset, SpanStatus.Ok, 0)]
    [InlineData(SpanStatus.Ok, SpanStatus.Error, SpanStatus.Error, 1)]
    [InlineData(SpanStatus.Error, SpanStatus.Error, SpanStatus.Error, 2)]
    public async Task Aggregate_SpanStatuses_ErrorWinsThenOkThenUnset(
        string first,
        string second,
        string expected,
        int errors)
    {
        var trace = TraceId(1);
        var batch = Batch(Span(trace, 1, status: first), Span(trace, 2, parent: 1, status: second));

        await _writer.WriteAsync(batch, default);

        var aggregate = await _store.TraceAsync(trace);
        Assert.Equal(expected, aggregate.Status);
        Assert.Equal(errors, aggregate.ErrorCount);
    }

    [Fact]
    public async Task Aggregate_Name_ExplicitTraceNameWinsOverRoot()
    {
        var trace = TraceId(1);
        var child = Span(trace, 2, parent: 1, startOffset: 3);
        child.TraceName = "support-chat";

        await _writer.WriteAsync(Batch(Span(trace, 1, name: "root"), child), default);

        Assert.Equal("support-chat", (await _store.TraceAsync(trace)).Name);
    }

    [Fact]
    public async Task Aggregate_NoRoot_NameOfEarliestSpan()
    {
        var trace = TraceId(1);

        var late = Span(trace, 3, parent: 1, name: "late", startOffset: 5);
        var early = Span(trace, 2, parent: 1, name: "early", startOffset: 2);

        await _writer.WriteAsync(Batch(late, early), default);

        var aggregate = await _store.TraceAsync(trace);
        Assert.Equal("early", aggregate.Name);
        Assert.True(aggregate.RootMissing);
    }

    [Fact]
    public async Task Aggregate_Input_TraceInputThenRootThenEarliest()
    {
        var withRootInput = TraceId(1);
        var root = Span(withRootInput, 1, startOffset: 1);
        root.InputText = "root question";
        var earlierChild = Span(withRootInput, 2, parent: 1, startOffset: 0);
        earlierChild.InputText = "child prompt";
        var explicitTrace = TraceId(2);
        var explicitRoot = Span(explicitTrace, 1);
        explicitRoot.InputText = "root question";
        var explicitChild = Span(explicitTrace, 2, parent: 1, startOffset: 4);
        explicitChild.TraceInputText = "what the user asked";
        var withoutRootInput = TraceId(3);
        var lateChild = Span(withoutRootInput, 3, parent: 1, startOffset: 6);
        lateChild.InputText = "late prompt";
        var earlyChild = Span(withoutRootInput, 2, parent: 1, startOffset: 2);
        earlyChild.InputText = "early prompt";

        await _writer.WriteAsync(
            Batch(root, earlierChild, explicitRoot, explicitChild, Span(withoutRootInput, 1), lateChild, earlyChild),
            default);

        Assert.Equal("root question", (await _store.TraceAsync(withRootInput)).InputText);
        Assert.Equal("what the user asked", (await _store.TraceAsync(explicitTrace)).InputText);
        Assert.Equal("early prompt", (await _store.TraceAsync(withoutRootInput)).InputText);
    }

    [Fact]
    public async Task Aggregate_Output_TraceOutputThenRootThenLatestEnding()
    {
        var withRootOutput = TraceId(1);
        var root = Span(withRootOutput, 1, endOffset: 5);
        root.OutputText = "final answer";
        var child = Span(withRootOutput, 2, parent: 1, endOffset: 9);
        child.OutputText = "draft";
        var withoutRootOutput = TraceId(2);
        var early = Span(withoutRootOutput, 2, parent: 1, endOffset: 3);
        early.OutputText = "retrieved";
        var late = Span(withoutRootOutput, 3, parent: 1, startOffset: 1, endOffset: 8);
        late.OutputText = "answer";
        var explicitTrace = TraceId(3);
        var explicitRoot = Span(explicitTrace, 1);
        explicitRoot.OutputText = "root output";
        explicitRoot.TraceOutputText = "shown to the user";

        await _writer.WriteAsync(Batch(root, child, Span(withoutRootOutput, 1), late, early, explicitRoot), default);

        Assert.Equal("final answer", (await _store.TraceAsync(withRootOutput)).OutputText);
        Assert.Equal("answer", (await _store.TraceAsync(withoutRootOutput)).OutputText);
        Assert.Equal("shown to the user", (await _store.TraceAsync(explicitTrace)).OutputText);
    }

    [Fact]
    public async Task Aggregate_Context_RootValueElseEarliestSpanThatHasOne()
    {
        var trace = TraceId(1);
        var root = Span(trace, 1, startOffset: 1);
        root.UserId = "user-root";
        root.MetadataJson = """{"from":"root"}""";
        var early = Span(trace, 2, parent: 1, startOffset: 0);
        early.UserId = "user-child";
        early.SessionId = "session-early";
        early.Environment = "staging";
        early.MetadataJson = """{"from":"child"}""";
        var late = Span(trace, 3, parent: 1, startOffset: 5);
        late.SessionId = "session-late";
        late.Release = "2026.12";
        late.Version = "v3";

        await _writer.WriteAsync(Batch(late, early, root), default);

        var aggregate = await _store.TraceAsync(trace);
        Assert.Equal("user-root", aggregate.UserId);
        Assert.Equal("session-early", aggregate.SessionId);
        Assert.Equal("staging", aggregate.Environment);
        Assert.Equal("2026.12", aggregate.Release);
        Assert.Equal("v3", aggregate.Version);
        Assert.Equal("""{"from":"root"}""", aggregate.MetadataJson);
    }

    [Fact]
    public async Task Aggregate_Tags_SortedUnionAcrossBatches()
    {
        var trace = TraceId(1);
        var root = Span(trace, 1);
        root.TagsJson = """["rag","beta"]""";
        var child = Span(trace, 2, parent: 1);
        child.TagsJson = """["beta","alpha"]""";
        var broken = Span(trace, 3, parent: 1);
        broken.TagsJson = "not json";

        await _writer.WriteAsync(Batch(root), default);
        await _writer.WriteAsync(Batch(child, broken), default);

        Assert.Equal("""["alpha","beta","rag"]""", (await _store.TraceAsync(trace)).TagsJson);
    }

    [Fact]
    public async Task Aggregate_NoTags_TagsNull()
    {
        var trace = TraceId(1);

        await _writer.WriteAsync(Batch(Span(trace, 1)), default);

        Assert.Null((await _store.TraceAsync(trace)).TagsJson);
    }

    [Fact]
    public async Task Aggregate_Models_DistinctInStartOrder()
    {
        var trace = TraceId(1);
        var first = Span(trace, 2, parent: 1, type: SpanType.Generation, startOffset: 1);
        first.Model = "gpt-4o";
        var second = Span(trace, 3, parent: 1, type: SpanType.Embedding, startOffset: 2);
        second.Model = "text-embedding-3-small";
        var third = Span(trace, 4, parent: 1, type: SpanType.Generation, startOffset: 3);
        third.Model = "gpt-4o";

        await _writer.WriteAsync(Batch(third, Span(trace, 1), second, first), default);

        Assert.Equal("gpt-4o,text-embedding-3-small", (await _store.TraceAsync(trace)).Models);
    }

    [Fact]
    public async Task Aggregate_Usage_SummedOverGenerationsAndEmbeddingsOnly()
    {
        var trace = TraceId(1);
        var agent = Span(trace, 1, type: SpanType.Agent);
        SetUsage(agent, input: 1000, output: 500, cached: 100, reasoning: 50, cost: 9.0);
        var generation = Span(trace, 2, parent: 1, type: SpanType.Generation);
        SetUsage(generation, input: 300, output: 200, cached: 100, reasoning: 50, cost: 0.25);
        var embedding = Span(trace, 3, parent: 1, type: SpanType.Embedding);
        SetUsage(embedding, input: 40, output: null, cached: null, reasoning: null, cost: 0.01);
        embedding.TotalTokens = 40;
        var tool = Span(trace, 4, parent: 1, type: SpanType.Tool);

        await _writer.WriteAsync(Batch(agent, generation, embedding, tool), default);

        var aggregate = await _store.TraceAsync(trace);
        Assert.Equal(340, aggregate.InputTokens);
        Assert.Equal(200, aggregate.OutputTokens);
        Assert.Equal(100, aggregate.CachedTokens);
        Assert.Equal(50, aggregate.ReasoningTokens);
        Assert.Equal(540, aggregate.TotalTokens);
        Assert.Equal(0.26, aggregate.Cost!.Value, precision: 9);
    }

    [Fact]
    public async Task Aggregate_UsageOnlyOnOtherSpans_SummedOverAllSpans()
    {
        var trace = TraceId(1);
        var root = Span(trace, 1, type: SpanType.Chain);
        var chain = Span(trace, 2, parent: 1, type: SpanType.Chain);
        SetUsage(chain, input: 10, output: 5, cached: null, reasoning: null, cost: null);
        var generationWithoutUsage = Span(trace, 3, parent: 1, type: SpanType.Generation);
        var agent = Span(trace, 4, parent: 1, type: SpanType.Agent);
        SetUsage(agent, input: 7, output: 3, cached: 2, reasoning: null, cost: null);

        await _writer.WriteAsync(Batch(root, chain, generationWithoutUsage, agent), default);

        var aggregate = await _store.TraceAsync(trace);
        Assert.Equal(17, aggregate.InputTokens);
        Assert.Equal(8, aggregate.OutputTokens);
        Assert.Equal(2, aggregate.CachedTokens);
        Assert.Equal(25, aggregate.TotalTokens);
    }

    [Fact]
    public async Task Aggregate_GenerationWrappingGenerations_CountsOnlyTheInnerCallsWhateverTheArrivalOrder()
    {
        // The Vercel AI SDK's outer generateText reports the sum of its steps, each a generation of its own (P12).
        var trace = TraceId(1);
        var outer = Span(trace, 1, type: SpanType.Generation);
        SetUsage(outer, input: 30, output: 12, cached: null, reasoning: null, cost: 0.3);
        var step1 = Span(trace, 2, parent: 1, type: SpanType.Generation);
        SetUsage(step1, input: 10, output: 4, cached: null, reasoning: null, cost: 0.1);
        var tool = Span(trace, 3, parent: 1, type: SpanType.Tool);
        var step2 = Span(trace, 4, parent: 3, type: SpanType.Generation);
        SetUsage(step2, input: 20, output: 8, cached: null, reasoning: null, cost: 0.2);

        await _writer.WriteAsync(Batch(outer, tool), default);
        var before = await _store.TraceAsync(trace);
        await _writer.WriteAsync(Batch(step1), default);
        await _writer.WriteAsync(Batch(step2), default);
        var after = await _store.TraceAsync(trace);

        Assert.Equal((30, 12), (before.InputTokens, before.OutputTokens));
        Assert.Equal(0.3, before.Cost!.Value, precision: 9);
        Assert.Equal((30, 12, 42), (after.InputTokens, after.OutputTokens, after.TotalTokens));
        Assert.Equal(0.3, after.Cost!.Value, precision: 9);

        // The dashboard's rollups count the two steps as the calls, not the wrapper as a third.
        var rows = await RollupReads.RowsAsync(_store, RollupResolution.AllTime);
        var model = Assert.Single(rows, r => r.Model == RollupMaintainer.NoModel);
        Assert.Equal((2, 30, 12, 300_000_000), (model.ModelCalls, model.InputTokens, model.OutputTokens,
            model.CostNanoUsd));
    }

    [Fact]
    public async Task Aggregate_ChainRepeatingItsChildsUsage_CountsTheChild()
    {
        var trace = TraceId(1);
        var chain = Span(trace, 1, type: SpanType.Chain);
        SetUsage(chain, input: 10, output: 5, cached: null, reasoning: null, cost: null);
        var agent = Span(trace, 2, parent: 1, type: SpanType.Agent);
        SetUsage(agent, input: 10, output: 5, cached: 2, reasoning: null, cost: null);

        await _writer.WriteAsync(Batch(chain, agent), default);

        var aggregate = await _store.TraceAsync(trace);
        Assert.Equal((10, 5, 2, 15), (aggregate.InputTokens, aggregate.OutputTokens, aggregate.CachedTokens,
            aggregate.TotalTokens));
    }

    private static void SetUsage(
        SpanEntity span,
        long? input,
        long? output,
        long? cached,
        long? reasoning,
        double? cost)
    {
        span.InputTokens = input;
        span.OutputTokens = output;
        span.CacheReadTokens = cached;
        span.ReasoningTokens = reasoning;
        span.Cost = cost;
    }
}
