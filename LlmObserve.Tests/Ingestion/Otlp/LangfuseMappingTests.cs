using LlmObserve.Core.Traces;
using static LlmObserve.Tests.Ingestion.Otlp.OtlpTestData;

namespace LlmObserve.Tests.Ingestion.Otlp;

/// <summary>Spans from the Langfuse SDKs (CONVENTIONS.md §3).</summary>
public sealed class LangfuseMappingTests
{
    [Fact]
    public void Map_GenerationWithObservationAndTraceAttributes_FillsEveryField()
    {
        var span = SpanWith(
            A("langfuse.observation.type", "generation"),
            A("langfuse.observation.model.name", "gpt-4.1"),
            A("langfuse.observation.model.parameters", """{"temperature":0.7,"max_tokens":"100"}"""),
            A("langfuse.observation.input", """[{"role":"user","content":"Translate: bonjour"}]"""),
            A("langfuse.observation.output", """{"role":"assistant","content":"hello"}"""),
            A("langfuse.observation.usage_details", """{"input":200,"output":50,"input_cached_tokens":800}"""),
            A("langfuse.observation.cost_details", """{"input":0.001,"output":0.002}"""),
            A("langfuse.observation.prompt.name", "translator"),
            A("langfuse.observation.prompt.version", 4L),
            A("langfuse.observation.completion_start_time", "\"2025-11-24T16:00:00.123456789Z\""),
            A("langfuse.observation.metadata", """{"route":"/translate"}"""),
            A("langfuse.observation.metadata.experiment", "b"),
            A("langfuse.trace.name", "translate-request"),
            A("langfuse.trace.input", "\"bonjour\""),
            A("langfuse.trace.output", "hello"),
            A("langfuse.trace.tags", "lang, fr"),
            A("langfuse.trace.metadata.team", "i18n"),
            A("langfuse.user.id", "u-1"),
            A("langfuse.session.id", "s-1"),
            A("langfuse.environment", "staging"),
            A("langfuse.release", "2025.11.1"),
            A("langfuse.version", "7"));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Generation, entity.Type);
        Assert.Equal("gpt-4.1", entity.Model);
        Assert.Equal("""{"temperature":0.7,"max_tokens":"100"}""", entity.ParametersJson);
        Assert.Equal("Translate: bonjour", Assert.Single(Messages(entity.InputMessagesJson)).Content);
        Assert.Equal("hello", Assert.Single(Messages(entity.OutputMessagesJson)).Content);

        // Langfuse buckets are exclusive; the store's input includes the cached 800.
        Assert.Equal((1000L, 50L, 800L, 1050L), (entity.InputTokens, entity.OutputTokens, entity.CacheReadTokens,
            entity.TotalTokens));
        Assert.Equal(0.003, entity.Cost!.Value, 10);
        Assert.True(entity.CostReported);
        var prompt = StoreJson.Deserialize<PromptReference>(entity.PromptJson)!;
        Assert.Equal(("translator", "4"), (prompt.Name, prompt.Version));
        var expectedStart = (new DateTimeOffset(2025, 11, 24, 16, 0, 0, TimeSpan.Zero).UtcTicks
            - DateTimeOffset.UnixEpoch.Ticks) * 100 + 123_456_700;
        Assert.Equal(expectedStart, entity.CompletionStartUnixNano);
        Assert.Equal("""{"team":"i18n","route":"/translate","experiment":"b"}""", entity.MetadataJson);
        Assert.Equal(("translate-request", "bonjour", "hello"), (entity.TraceName, entity.TraceInputText,
            entity.TraceOutputText));
        Assert.Equal("""["lang","fr"]""", entity.TagsJson);
        Assert.Equal(("u-1", "s-1"), (entity.UserId, entity.SessionId));
        Assert.Equal(("staging", "2025.11.1", "7"), (entity.Environment, entity.Release, entity.Version));
        Assert.Equal(("Translate: bonjour", "hello"), (entity.InputText, entity.OutputText));
    }

    [Fact]
    public void Map_ErrorLevel_SetsErrorStatusAndMessage()
    {
        var span = SpanWith(
            A("langfuse.observation.type", "span"),
            A("langfuse.observation.level", "error"),
            A("langfuse.observation.status_message", "upstream timed out"));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Span, entity.Type);
        Assert.Equal(SpanStatus.Error, entity.Status);
        Assert.Equal("upstream timed out", entity.StatusMessage);
    }

    [Fact]
    public void Map_OldSdkSpanTypeWithGenerationAttributes_IsGeneration()
    {
        var span = SpanWith(
            A("langfuse.observation.type", "span"),
            A("langfuse.observation.model.name", "gpt-4o"));

        var entity = MapOne(span);

        Assert.Equal(SpanType.Generation, entity.Type);
    }

    [Fact]
    public void Map_EnvironmentAndVersionMissingOnSpan_ComeFromResource()
    {
        var request = Request(
            [A("service.name", "support-bot"), A("service.version", "1.4.2"), A("deployment.environment.name", "prod")],
            SpanWith(A("langfuse.observation.type", "retriever")));

        var entity = Assert.Single(Mapper().Map(request, "p").Spans);

        Assert.Equal(SpanType.Retrieval, entity.Type);
        Assert.Equal(("prod", "1.4.2", "support-bot"), (entity.Environment, entity.Version, entity.ServiceName));
        Assert.Contains("\"service.version\":\"1.4.2\"", entity.ResourceAttributesJson, StringComparison.Ordinal);
    }
}
