using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Web.Demo;

namespace LlmObserve.Tests.Demo;

public sealed class DemoTrafficGeneratorTests
{
    private const int Seed = 20261204;
    private static readonly DateTimeOffset _now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Lazy<IReadOnlyList<DemoTrace>> _week = new(() => Week(Seed));

    [Fact]
    public void Generator_SameSeedAndTimes_ProducesIdenticalTraces()
    {
        var first = Week(Seed).Take(300).Select(t => t.ResourceSpans.ToByteArray());
        var second = Week(Seed).Take(300).Select(t => t.ResourceSpans.ToByteArray());

        Assert.Equal(first, second);
        Assert.NotEqual(
            Week(Seed + 1)[0].ResourceSpans.ToByteArray(),
            Week(Seed)[0].ResourceSpans.ToByteArray());
    }

    [Fact]
    public void HistorySchedule_Week_HasTheConfiguredRateInOrderWithinTheRange()
    {
        var from = _now.AddDays(-7);

        var times = DemoTrafficGenerator.HistorySchedule(Seed, from, _now, 12);

        Assert.InRange(times.Count, 7 * 24 * 12 * 0.9, 7 * 24 * 12 * 1.1);
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First <= p.Second));
        Assert.All(times, t => Assert.InRange(t, from, _now));
    }

    [Fact]
    public void Generator_Week_FailsAboutFivePercent()
    {
        var errorShare = _week.Value.Count(t => t.IsError) / (double)_week.Value.Count;

        Assert.InRange(errorShare, 0.035, 0.065);
    }

    [Fact]
    public void Generator_Week_AnswersAboutTenPercentWithoutSupport()
    {
        var answered = _week.Value.Where(t => !t.IsError).ToList();

        var ungroundedShare = answered.Count(t => !t.IsGrounded) / (double)answered.Count;

        Assert.InRange(ungroundedShare, 0.07, 0.13);
    }

    [Fact]
    public void Generator_Week_ShiftsTopicsToTheNewFeatureInTheLastTwoDays()
    {
        var shiftAt = _now - DemoTrafficGenerator.TopicShiftBeforeNow;
        var before = _week.Value.Where(t => t.StartedAt < shiftAt).ToList();
        var after = _week.Value.Where(t => t.StartedAt >= shiftAt).ToList();

        var newFeatureBefore = before.Count(t => t.Topic == DemoCatalog.NewFeatureTopic) / (double)before.Count;
        var newFeatureAfter = after.Count(t => t.Topic == DemoCatalog.NewFeatureTopic) / (double)after.Count;
        var billingBefore = before.Count(t => t.Topic == "billing") / (double)before.Count;
        var billingAfter = after.Count(t => t.Topic == "billing") / (double)after.Count;

        Assert.True(newFeatureBefore < 0.02, $"new feature before the shift: {newFeatureBefore:P1}");
        Assert.True(newFeatureAfter > 0.35, $"new feature after the shift: {newFeatureAfter:P1}");
        Assert.True(billingAfter < billingBefore * 0.7, $"billing {billingBefore:P1} → {billingAfter:P1}");
    }

    [Fact]
    public void Generator_Week_MixesTwoModelsTwoEnvironmentsAndMultiTurnSessions()
    {
        var traces = _week.Value;

        Assert.Equal(2, traces.Select(t => t.Model).Distinct().Count());
        Assert.Equal(["production", "staging"], traces.Select(t => t.Environment).Distinct().Order());
        Assert.InRange(traces.Select(t => t.UserId).Distinct().Count(), 10, 30);
        Assert.Contains(traces, t => t.Turn >= 3);
        Assert.True(traces.Count(t => t.UsedTool) > traces.Count / 20);
    }

    [Fact]
    public void Generator_LaterTurn_SendsTheEarlierTurnsToTheModel()
    {
        var secondTurn = _week.Value.First(t => t.Turn == 2 && !t.IsError);
        var firstTurn = _week.Value.Last(t => t.SessionId == secondTurn.SessionId && t.Turn == 1);

        var messages = JsonDocument.Parse(Text(Generation(secondTurn), "gen_ai.input.messages")!).RootElement;
        var firstQuestion = Text(Root(firstTurn), "input.value");

        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal(firstQuestion, messages[1].GetProperty("parts")[0].GetProperty("content").GetString());
        Assert.Equal(secondTurn.SessionId, Text(Generation(secondTurn), "session.id"));
    }

    [Fact]
    public void Generator_EveryTrace_HasAnAgentRootRetrievalAndGenerationWithTheirAttributes()
    {
        foreach (var trace in _week.Value)
        {
            var spans = Spans(trace);
            var root = Assert.Single(spans, s => s.ParentSpanId.IsEmpty);
            Assert.Equal("invoke_agent", Text(root, "gen_ai.operation.name"));
            Assert.Contains(DemoTrafficGenerator.DemoTag, Strings(root, "tag.tags"));
            Assert.All(spans.Where(s => s != root), s => Assert.Equal(root.SpanId, s.ParentSpanId));
            Assert.All(spans, s => Assert.Equal(trace.UserId, Text(s, "user.id")));
            var resource = trace.ResourceSpans.Resource.Attributes;
            Assert.Equal(trace.Environment, Text(resource, "deployment.environment.name"));

            var retrieval = Assert.Single(spans, s => Text(s, "gen_ai.operation.name") == "retrieval");
            Assert.NotNull(Text(retrieval, "retrieval.documents.0.document.id"));
            Assert.NotNull(Text(retrieval, "retrieval.documents.0.document.content"));
            Assert.InRange(Number(retrieval, "retrieval.documents.0.document.score")!.Value, 0.3, 1.0);

            var generation = Generation(trace);
            Assert.Equal(trace.Model, Text(generation, "gen_ai.request.model"));
            Assert.Contains(Text(generation, "gen_ai.provider.name"), new[] { "openai", "anthropic" });
            Assert.Equal(0.2, Number(generation, "gen_ai.request.temperature"));
            var input = JsonDocument.Parse(Text(generation, "gen_ai.input.messages")!).RootElement;
            Assert.Equal(JsonValueKind.Array, input.ValueKind);
            Assert.Equal(trace.SessionId, Text(generation, "session.id"));

            if (trace.IsError)
            {
                Assert.Equal(Status.Types.StatusCode.Error, generation.Status.Code);
                Assert.Equal(Status.Types.StatusCode.Error, root.Status.Code);
                Assert.Contains(generation.Events, e => e.Name == "exception");
            }
            else
            {
                Assert.NotNull(Text(generation, "gen_ai.response.model"));
                Assert.True(Number(generation, "gen_ai.usage.input_tokens") > 0);
                Assert.True(Number(generation, "gen_ai.usage.output_tokens") > 0);
                var output = JsonDocument.Parse(Text(generation, "gen_ai.output.messages")!).RootElement;
                Assert.Equal("assistant", output[0].GetProperty("role").GetString());
            }

            var tools = spans.Where(s => Text(s, "gen_ai.operation.name") == "execute_tool").ToList();
            Assert.Equal(trace.UsedTool ? 1 : 0, tools.Count);
            foreach (var tool in tools)
            {
                Assert.NotNull(Text(tool, "gen_ai.tool.name"));
                JsonDocument.Parse(Text(tool, "gen_ai.tool.call.arguments")!).Dispose();
                JsonDocument.Parse(Text(tool, "gen_ai.tool.call.result")!).Dispose();
            }

            Assert.All(spans, s => Assert.True(s.EndTimeUnixNano >= s.StartTimeUnixNano));
            Assert.All(spans, s => Assert.True(s.EndTimeUnixNano <= root.EndTimeUnixNano));
        }
    }

    private static List<DemoTrace> Week(int seed)
    {
        var generator = new DemoTrafficGenerator(seed, _now - DemoTrafficGenerator.TopicShiftBeforeNow);
        return [.. DemoTrafficGenerator.HistorySchedule(seed, _now.AddDays(-7), _now, 12).Select(generator.Next)];
    }

    private static List<Span> Spans(DemoTrace trace) => [.. trace.ResourceSpans.ScopeSpans.SelectMany(s => s.Spans)];

    private static Span Root(DemoTrace trace) => Spans(trace).Single(s => s.ParentSpanId.IsEmpty);

    /// <summary>The last model call of the trace: the one that answers (or fails).</summary>
    private static Span Generation(DemoTrace trace)
        => Spans(trace).Last(s => Text(s, "gen_ai.operation.name") == "chat");

    private static string? Text(Span span, string key) => Text(span.Attributes, key);

    private static string? Text(IEnumerable<KeyValue> attributes, string key)
        => attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    private static double? Number(Span span, string key)
        => span.Attributes.FirstOrDefault(a => a.Key == key)?.Value switch
        {
            { ValueCase: AnyValue.ValueOneofCase.DoubleValue } value => value.DoubleValue,
            { ValueCase: AnyValue.ValueOneofCase.IntValue } value => value.IntValue,
            _ => null,
        };

    private static IEnumerable<string> Strings(Span span, string key)
        => span.Attributes.First(a => a.Key == key).Value.ArrayValue.Values.Select(v => v.StringValue);
}
