using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Traces;

/// <summary>
/// One running app shared by the read API tests, with a known set of traces: four distinct ones (1–4), thirty
/// fillers (100–129) that share start times in threes, a detailed RAG trace (50), and a trace of another
/// project (999).
/// </summary>
public sealed class TraceApiFixture : IAsyncLifetime
{
    public const int DetailedTrace = 50;
    public const int OtherProjectTrace = 999;
    public const int FillerCount = 30;

    public RunningApp App { get; private set; } = default!;

    public string ProjectId { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        App = await RunningApp.StartAsync();
        var store = new TraceStore(App);
        ProjectId = await store.ProjectIdAsync();
        var otherProject = await store.AddProjectAsync("other");

        var traces = new List<TraceEntity>
        {
            Distinct(1, 0, t =>
            {
                t.SessionId = "s-1";
                t.UserId = "u-1";
                t.Models = "gpt-4o";
                t.TagsJson = """["prod","vip"]""";
                t.Environment = "production";
                t.Release = "r1";
                t.LatencyMs = 100;
                t.Cost = 0.01;
                t.InputText = "How do I reset my password?";
                t.OutputText = "Use the forgot-password link.";
            }),
            Distinct(2, 1, t =>
            {
                t.SessionId = "s-1";
                t.UserId = "u-2";
                t.Models = "gpt-4o,claude-3-haiku";
                t.TagsJson = """["beta"]""";
                t.Status = SpanStatus.Error;
                t.Environment = "staging";
                t.Release = "r2";
                t.LatencyMs = 2500;
                t.Cost = 0.2;
                t.InputText = "Is a 100% refund possible?";
            }),
            Distinct(3, 2, t =>
            {
                t.Name = "summarize";
                t.SessionId = "s-2";
                t.UserId = "u-1";
                t.Models = "gpt-4o-mini";
                t.TagsJson = """["prod"]""";
                t.Environment = "production";
                t.Release = "r1";
                t.LatencyMs = 800;
                t.InputText = "Summarize the ticket";
                t.OutputText = "The PASSWORD was changed.";
            }),
            Distinct(4, 3, t =>
            {
                t.UserId = "u-3";
                t.Status = SpanStatus.Unset;
                t.LatencyMs = 50;
                t.Cost = 0.05;
                t.InputText = "Is 100 percent fine?";
                t.OutputText = "yes";
            }),
        };
        for (var i = 0; i < FillerCount; i++)
        {
            var filler = TraceStore.Trace(ProjectId, 100 + i, 10 + (i / 3));
            filler.Name = "filler";
            filler.LatencyMs = 300;
            filler.InputText = "filler input";
            filler.OutputText = "filler output";
            traces.Add(filler);
        }

        var (detailed, spans, scores, feedback) = DetailedRagTrace(ProjectId);
        traces.Add(detailed);
        var foreign = TraceStore.Trace(otherProject, OtherProjectTrace, 5);
        foreign.InputText = "How do I reset my password?";
        traces.Add(foreign);

        await store.AddAsync(traces, spans, scores, feedback);
        await store.WaitForSearchIndexAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private TraceEntity Distinct(int n, double minutes, Action<TraceEntity> shape)
    {
        var trace = TraceStore.Trace(ProjectId, n, minutes);
        shape(trace);
        return trace;
    }

    private static (TraceEntity, List<SpanEntity>, List<Score>, List<FeedbackEntry>) DetailedRagTrace(string projectId)
    {
        var trace = TraceStore.Trace(projectId, DetailedTrace, -100);
        trace.Name = "rag";
        trace.Models = "gpt-4.1";
        trace.LatencyMs = 300;
        trace.SpanCount = 4;
        trace.InputText = "rag input";
        var traceId = trace.TraceId;
        var start = trace.StartTimeUnixNano;

        var root = TraceStore.Span(projectId, traceId, 1, null, 0);
        root.Type = SpanType.Agent;
        root.Name = "invoke_agent support";
        root.StartTimeUnixNano = start;

        var generation = TraceStore.Span(projectId, traceId, 3, root.SpanId, 0);
        generation.Type = SpanType.Generation;
        generation.Name = "chat gpt-4.1";
        generation.StartTimeUnixNano = start + 2_000_000;
        generation.EndTimeUnixNano = start + 250_000_000;
        generation.Model = "gpt-4.1-2025-04-14";
        generation.RequestModel = "gpt-4.1";
        generation.ResponseModel = "gpt-4.1-2025-04-14";
        generation.Provider = "openai";
        generation.ParametersJson = """{"temperature":0.2,"max_tokens":800}""";
        generation.InputText = "user: reset?";
        generation.OutputText = "Click the link.";
        generation.InputMessagesJson =
            """[{"role":"system","content":"Be brief."},{"role":"user","content":"reset?"}]""";
        generation.OutputMessagesJson =
            """
            [{"role":"assistant","content":"Click the link.",
              "toolCalls":[{"id":"c1","name":"lookup","arguments":"{\"q\":1}"}],"finishReason":"stop"}]
            """;
        generation.InputTokens = 120;
        generation.OutputTokens = 30;
        generation.CacheReadTokens = 100;
        generation.TotalTokens = 150;
        generation.Cost = 0.0042;
        generation.CostDetailsJson = """{"input":0.003,"output":0.0012}""";
        generation.FinishReasonsJson = """["stop"]""";
        generation.AttributesJson = """{"gen_ai.operation.name":"chat","gen_ai.request.temperature":0.2}""";
        generation.ResourceAttributesJson = """{"service.name":"support"}""";
        generation.EventsJson =
            """
            [{"name":"exception","timeUnixNano":1,
              "attributes":{"exception.type":"TimeoutError","exception.message":"slow"}}]
            """;
        generation.LinksJson = """[{"traceId":"0000000000000000000000000000abcd","spanId":"00000000000000ef"}]""";
        generation.TruncationsJson = """[{"field":"outputText","originalLength":999999}]""";

        var retrieval = TraceStore.Span(projectId, traceId, 2, root.SpanId, 0);
        retrieval.Type = SpanType.Retrieval;
        retrieval.Name = "retrieval kb";
        retrieval.StartTimeUnixNano = start + 1_000_000;
        retrieval.EndTimeUnixNano = start + 1_500_000;
        retrieval.DocumentsJson = """[{"id":"kb-7","content":"Reset via the link.","score":0.91}]""";

        var tool = TraceStore.Span(projectId, traceId, 4, "00000000000000ff", 0);
        tool.Type = SpanType.Tool;
        tool.Name = "execute_tool lookup";
        tool.StartTimeUnixNano = start + 3_000_000;
        tool.EndTimeUnixNano = start + 4_000_000;
        tool.ToolJson = """{"name":"lookup","callId":"c1","arguments":"{\"q\":1}","result":"{\"ok\":true}"}""";

        var scores = new List<Score>
        {
            new()
            {
                ProjectId = projectId,
                TraceId = traceId,
                Name = "groundedness",
                Value = 0.8,
                Source = ScoreSource.Offline,
                CreatedAt = TraceStore.BaseTime,
            },
        };
        var feedback = new List<FeedbackEntry>
        {
            new()
            {
                ProjectId = projectId,
                TraceId = traceId,
                Kind = "thumbs",
                Value = 1,
                Comment = "helpful",
                CreatedAt = TraceStore.BaseTime,
            },
        };

        // Inserted out of start order on purpose: the API must order spans by start.
        return (trace, [generation, tool, root, retrieval], scores, feedback);
    }
}
