using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using static LlmObserve.Web.Demo.DemoOtlp;

namespace LlmObserve.Web.Demo;

/// <summary>
/// One request of the demo assistant as OTLP, with the ground truth a test or an evaluator can check it
/// against: the topic asked about, whether it failed, and whether the answer is supported by the context.
/// </summary>
internal sealed record DemoTrace(
    string TraceId,
    string SessionId,
    string UserId,
    int Turn,
    string Topic,
    string Environment,
    string Model,
    bool IsError,
    bool IsGrounded,
    bool UsedTool,
    DateTimeOffset StartedAt,
    ResourceSpans ResourceSpans);

/// <summary>
/// Makes the traffic of a RAG customer-support assistant: users in multi-turn sessions, each request an agent
/// span with a retrieval, sometimes a tool call, and one or two generations, in OpenTelemetry GenAI and
/// OpenInference attributes. The same seed and the same calls give the same traces, byte for byte.
/// </summary>
internal sealed class DemoTrafficGenerator
{
    public const double ErrorRate = 0.05;

    /// <summary>Share of answered requests whose answer contradicts the retrieved articles.</summary>
    public const double UngroundedRate = 0.10;

    public const string DemoTag = "demo";

    /// <summary>How long before "now" the new feature launched and the topic mix changed.</summary>
    public static readonly TimeSpan TopicShiftBeforeNow = TimeSpan.FromDays(2);

    private const int UserCount = 30;

    // The last users are the team's own testers, who use the staging deployment.
    private const int FirstStagingUser = 25;

    private static readonly TimeSpan _sessionIdle = TimeSpan.FromMinutes(45);

    private static readonly JsonSerializerOptions _json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Random _random;
    private readonly DateTimeOffset _topicShiftAt;
    private readonly List<Session> _sessions = [];
    private int _sessionCount;

    public DemoTrafficGenerator(int seed, DateTimeOffset topicShiftAt)
    {
        _random = new Random(seed);
        _topicShiftAt = topicShiftAt;
    }

    /// <summary>
    /// Start times of past traffic between <paramref name="from"/> and <paramref name="to"/>, oldest first: on
    /// average <paramref name="tracesPerHour"/>, busier in (UTC) office hours than at night.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> HistorySchedule(
        int seed,
        DateTimeOffset from,
        DateTimeOffset to,
        int tracesPerHour)
    {
        var random = new Random(seed);
        var times = new List<DateTimeOffset>();
        for (var hour = from; hour < to; hour = hour.AddHours(1))
        {
            var length = to - hour < TimeSpan.FromHours(1) ? to - hour : TimeSpan.FromHours(1);
            var expected = tracesPerHour * DailyLoad(hour.UtcDateTime.Hour) * length.TotalHours;
            var count = (int)Math.Round(expected * (0.8 + (0.4 * random.NextDouble())));
            for (var i = 0; i < count; i++)
            {
                times.Add(hour + (length * random.NextDouble()));
            }
        }

        times.Sort();
        return times;
    }

    /// <summary>The next request, starting at <paramref name="startedAt"/>; calls must come in time order.</summary>
    public DemoTrace Next(DateTimeOffset startedAt)
    {
        var session = NextSession(startedAt);
        var afterShift = startedAt >= _topicShiftAt;
        var topic = session.Topic;
        var question = PickQuestion(topic, session);
        var opener = DemoCatalog.Openers[_random.Next(DemoCatalog.Openers.Length)];
        var closer = DemoCatalog.Closers[_random.Next(DemoCatalog.Closers.Length)];
        var userText = opener + question.Text + closer;
        var model = PickModel(session.Environment);
        var isError = _random.NextDouble() < ErrorRate;
        var isGrounded = isError || _random.NextDouble() >= UngroundedRate;
        var useTool = question.Tool is not null && _random.NextDouble() < 0.7;
        var answer = isGrounded ? question.GroundedAnswer : question.UngroundedAnswer;
        var failure = isError ? DemoCatalog.Failures[_random.Next(DemoCatalog.Failures.Length)] : null;

        var traceId = Id(_random, 16);
        var build = new TraceBuilder(this, traceId, session, startedAt);
        var root = build.Span("invoke_agent " + DemoCatalog.AgentName, Span.Types.SpanKind.Server, parent: null);
        root.Attributes.Add(Attribute("gen_ai.operation.name", "invoke_agent"));
        root.Attributes.Add(Attribute("gen_ai.agent.name", DemoCatalog.AgentName));
        root.Attributes.Add(Attribute("input.value", userText));
        root.Attributes.Add(Attribute("input.mime_type", "text/plain"));
        root.Attributes.Add(Attribute("tag.tags", [DemoTag, topic.Name]));

        // The ground truth rides along as metadata, so evaluators and drift checks can be judged against it.
        var metadata = new Dictionary<string, object>
        {
            ["topic"] = topic.Name,
            ["turn"] = session.Turns.Count + 1,
            ["grounded"] = isGrounded,
        };
        root.Attributes.Add(Attribute("metadata", JsonSerializer.Serialize(metadata, _json)));

        var documents = Retrieve(topic, question);
        var retrieval = build.Child(root, "retrieval " + DemoCatalog.DataSource, Span.Types.SpanKind.Client);
        retrieval.Attributes.Add(Attribute("gen_ai.operation.name", "retrieval"));
        retrieval.Attributes.Add(Attribute("gen_ai.data_source.id", DemoCatalog.DataSource));
        retrieval.Attributes.Add(Attribute("gen_ai.retrieval.query.text", userText));
        for (var i = 0; i < documents.Count; i++)
        {
            var (document, score) = documents[i];
            retrieval.Attributes.Add(Attribute($"retrieval.documents.{i}.document.id", document.Id));
            retrieval.Attributes.Add(Attribute($"retrieval.documents.{i}.document.content", document.Content));
            retrieval.Attributes.Add(Attribute($"retrieval.documents.{i}.document.score", score));
        }

        build.Run(retrieval, Between(40, 180));

        var input = InputMessages(documents.Select(d => d.Document), session, userText);
        if (useTool)
        {
            var tool = question.Tool!;
            var callId = "call_" + Convert.ToHexStringLower(Id(_random, 6).ToByteArray());
            var request = new JsonArray(Message("assistant", new JsonObject
            {
                ["type"] = "tool_call",
                ["id"] = callId,
                ["name"] = tool.Name,
                ["arguments"] = JsonNode.Parse(tool.ArgumentsJson),
            }));
            request[0]!["finish_reason"] = "tool_call";
            var planning = build.Child(root, "chat " + model.RequestModel, Span.Types.SpanKind.Client);
            var planned = Tokens(tool.ArgumentsJson) + 12;
            Generation(planning, model, input, request, "tool_call", planned, failure: null);
            build.Run(planning, Between(350, 900));

            var execution = build.Child(root, "execute_tool " + tool.Name, Span.Types.SpanKind.Internal);
            execution.Attributes.Add(Attribute("gen_ai.operation.name", "execute_tool"));
            execution.Attributes.Add(Attribute("gen_ai.tool.name", tool.Name));
            execution.Attributes.Add(Attribute("gen_ai.tool.call.id", callId));
            execution.Attributes.Add(Attribute("gen_ai.tool.type", "function"));
            execution.Attributes.Add(Attribute("gen_ai.tool.description", tool.Description));
            execution.Attributes.Add(Attribute("gen_ai.tool.call.arguments", tool.ArgumentsJson));
            execution.Attributes.Add(Attribute("gen_ai.tool.call.result", tool.ResultJson));
            build.Run(execution, Between(60, 350));

            input.Add(request[0]!.DeepClone());
            input.Add(Message("tool", new JsonObject
            {
                ["type"] = "tool_call_response",
                ["id"] = callId,
                ["response"] = JsonNode.Parse(tool.ResultJson),
            }));
        }

        var output = new JsonArray(Message("assistant", Text(answer)));
        output[0]!["finish_reason"] = "stop";
        var generation = build.Child(root, "chat " + model.RequestModel, Span.Types.SpanKind.Client);
        Generation(generation, model, input, failure is null ? output : null, "stop", Tokens(answer), failure);
        build.Run(generation, failure is null
            ? Between(250, 600) + (Tokens(answer) * model.MsPerToken * (0.8 + (0.5 * _random.NextDouble())))
            : FailureDuration(failure));

        if (failure is null)
        {
            root.Attributes.Add(Attribute("output.value", answer));
            root.Attributes.Add(Attribute("output.mime_type", "text/plain"));
            root.Status = new Status { Code = Status.Types.StatusCode.Ok };
        }
        else
        {
            root.Status = new Status
            {
                Code = Status.Types.StatusCode.Error,
                Message = "The answer could not be generated.",
            };
        }

        build.Finish(root);
        session.LastActivity = startedAt;
        session.Turns.Add((userText, failure is null ? answer : null));
        session.Asked.Add(question);

        var trace = new DemoTrace(
            Convert.ToHexStringLower(traceId.ToByteArray()),
            session.Id,
            session.UserId,
            session.Turns.Count,
            topic.Name,
            session.Environment,
            model.RequestModel,
            isError,
            isGrounded,
            useTool,
            startedAt,
            build.ResourceSpans(afterShift ? DemoCatalog.ReleaseAfter : DemoCatalog.ReleaseBefore));
        return trace;
    }

    private static double DailyLoad(int utcHour) => utcHour switch
    {
        < 7 => 0.4,
        < 8 or > 18 => 1.0,
        _ => 1.4,
    };

    private static int Tokens(string text) => Math.Max(1, text.Length / 4);

    private static JsonObject Message(string role, JsonObject part)
        => new() { ["role"] = role, ["parts"] = new JsonArray(part) };

    private static JsonObject Text(string content) => new() { ["type"] = "text", ["content"] = content };

    private Session NextSession(DateTimeOffset now)
    {
        _sessions.RemoveAll(s => s.TurnsLeft <= s.Turns.Count || now - s.LastActivity > _sessionIdle);
        if (_sessions.Count > 0 && _random.NextDouble() < 0.5)
        {
            return _sessions[_random.Next(_sessions.Count)];
        }

        var user = _random.Next(1, UserCount + 1);
        var turns = _random.NextDouble() switch
        {
            < 0.45 => 1,
            < 0.75 => 2,
            < 0.9 => 3,
            _ => 4,
        };
        _sessionCount++;
        var session = new Session(
            $"sess-{Convert.ToHexStringLower(Id(_random, 4).ToByteArray())}-{_sessionCount}",
            $"user-{user:000}",
            user >= FirstStagingUser ? "staging" : "production",
            PickTopic(now),
            turns)
        {
            LastActivity = now,
        };
        _sessions.Add(session);
        return session;
    }

    private DemoTopic PickTopic(DateTimeOffset now)
    {
        var afterShift = now >= _topicShiftAt;
        var weights = DemoCatalog.Topics.Select(t => afterShift ? t.WeightAfter : t.WeightBefore).ToArray();
        var pick = _random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return DemoCatalog.Topics[i];
            }
        }

        return DemoCatalog.Topics[0];
    }

    private DemoQuestion PickQuestion(DemoTopic topic, Session session)
    {
        var fresh = topic.Questions.Where(q => !session.Asked.Contains(q)).ToArray();
        var pool = fresh.Length > 0 ? fresh : topic.Questions;
        return pool[_random.Next(pool.Length)];
    }

    private DemoCatalog.DemoModel PickModel(string environment)
    {
        // Production runs the main model and sends a little traffic to the trial one; staging tries it out.
        var trialShare = environment == "staging" ? 0.7 : 0.15;
        return _random.NextDouble() < trialShare ? DemoCatalog.TrialModel : DemoCatalog.MainModel;
    }

    private List<(DemoDocument Document, double Score)> Retrieve(DemoTopic topic, DemoQuestion question)
    {
        var found = new List<(DemoDocument, double)>();
        var score = 0.93 - (0.05 * _random.NextDouble());
        foreach (var id in question.DocumentIds)
        {
            found.Add((DemoCatalog.DocumentsById[id], Math.Round(score, 4)));
            score -= 0.02 + (0.06 * _random.NextDouble());
        }

        // Near misses fill the top four, as a vector search returns them.
        var others = topic.Documents.Where(d => !question.DocumentIds.Contains(d.Id))
            .Concat(DemoCatalog.Topics.Where(t => t != topic).SelectMany(t => t.Documents))
            .ToList();
        while (found.Count < 4 && others.Count > 0)
        {
            var index = _random.Next(Math.Min(others.Count, 3));
            found.Add((others[index], Math.Round(0.35 + (0.27 * _random.NextDouble()), 4)));
            others.RemoveAt(index);
        }

        return [.. found.OrderByDescending(f => f.Item2)];
    }

    private static JsonArray InputMessages(IEnumerable<DemoDocument> documents, Session session, string userText)
    {
        var context = string.Join("\n", documents.Select(d => $"[{d.Id}] {d.Title}: {d.Content}"));
        var system = DemoCatalog.SystemPrompt + "\n\nContext:\n" + context;
        var messages = new JsonArray(Message("system", Text(system)));
        foreach (var (asked, answered) in session.Turns)
        {
            messages.Add(Message("user", Text(asked)));
            if (answered is not null)
            {
                messages.Add(Message("assistant", Text(answered)));
            }
        }

        messages.Add(Message("user", Text(userText)));
        return messages;
    }

    private void Generation(
        Span span,
        DemoCatalog.DemoModel model,
        JsonArray input,
        JsonArray? output,
        string finishReason,
        int outputTokens,
        DemoCatalog.DemoFailure? failure)
    {
        var inputJson = input.ToJsonString(_json);
        span.Attributes.Add(Attribute("gen_ai.operation.name", "chat"));
        span.Attributes.Add(Attribute("gen_ai.provider.name", model.Provider));
        span.Attributes.Add(Attribute("gen_ai.request.model", model.RequestModel));
        span.Attributes.Add(Attribute("gen_ai.request.temperature", 0.2));
        span.Attributes.Add(Attribute("gen_ai.request.max_tokens", 800L));
        span.Attributes.Add(Attribute("gen_ai.input.messages", inputJson));
        if (failure is not null)
        {
            span.Attributes.Add(Attribute("error.type", failure.ErrorType));
            span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = failure.Message };
            var exception = new Span.Types.Event { Name = "exception", TimeUnixNano = span.StartTimeUnixNano };
            exception.Attributes.Add(Attribute("exception.type", failure.ErrorType));
            exception.Attributes.Add(Attribute("exception.message", failure.Message));
            exception.Attributes.Add(Attribute("exception.stacktrace", failure.Stacktrace));
            span.Events.Add(exception);
            return;
        }

        var outputJson = output!.ToJsonString(_json);
        span.Attributes.Add(Attribute("gen_ai.output.messages", outputJson));
        span.Attributes.Add(Attribute("gen_ai.response.model", model.ResponseModel));
        var responseId = "resp_" + Convert.ToHexStringLower(Id(_random, 8).ToByteArray());
        span.Attributes.Add(Attribute("gen_ai.response.id", responseId));
        span.Attributes.Add(Attribute("gen_ai.response.finish_reasons", [finishReason]));
        span.Attributes.Add(Attribute("gen_ai.usage.input_tokens", (long)Tokens(inputJson)));
        span.Attributes.Add(Attribute("gen_ai.usage.output_tokens", (long)outputTokens));
        span.Status = new Status { Code = Status.Types.StatusCode.Ok };
    }

    private double FailureDuration(DemoCatalog.DemoFailure failure) => failure.ErrorType switch
    {
        "APITimeoutError" => 30_000 + Between(0, 50),
        "RateLimitError" => Between(120, 400),
        _ => Between(800, 3000),
    };

    private double Between(double low, double high) => low + ((high - low) * _random.NextDouble());

    private sealed record Session(string Id, string UserId, string Environment, DemoTopic Topic, int TurnsLeft)
    {
        public DateTimeOffset LastActivity { get; set; }

        public List<(string Asked, string? Answered)> Turns { get; } = [];

        public HashSet<DemoQuestion> Asked { get; } = [];
    }

    /// <summary>Lays the spans of one trace out in time, one after another under the root.</summary>
    private sealed class TraceBuilder(
        DemoTrafficGenerator owner,
        Google.Protobuf.ByteString traceId,
        Session session,
        DateTimeOffset start)
    {
        private readonly List<Span> _spans = [];
        private DateTimeOffset _cursor = start;

        public Span Span(string name, Span.Types.SpanKind kind, Span? parent)
        {
            var span = new Span
            {
                TraceId = traceId,
                SpanId = Id(owner._random, 8),
                Name = name,
                Kind = kind,
                StartTimeUnixNano = Nanos(_cursor),
            };
            if (parent is not null)
            {
                span.ParentSpanId = parent.SpanId;
            }

            // Context attributes travel on every span, as OpenInference propagates them.
            span.Attributes.Add(Attribute("session.id", session.Id));
            span.Attributes.Add(Attribute("user.id", session.UserId));
            _spans.Add(span);
            return span;
        }

        public Span Child(Span parent, string name, Span.Types.SpanKind kind)
        {
            _cursor += TimeSpan.FromMilliseconds(owner.Between(1, 8));
            return Span(name, kind, parent);
        }

        /// <summary>Ends a span after <paramref name="milliseconds"/>; the next child starts after it.</summary>
        public void Run(Span span, double milliseconds)
        {
            _cursor += TimeSpan.FromMilliseconds(milliseconds);
            span.EndTimeUnixNano = Nanos(_cursor);
        }

        public void Finish(Span root) => Run(root, owner.Between(2, 6));

        public ResourceSpans ResourceSpans(string release)
        {
            var resource = new Resource();
            resource.Attributes.Add(Attribute("service.name", DemoCatalog.ServiceName));
            resource.Attributes.Add(Attribute("service.version", release));
            resource.Attributes.Add(Attribute("deployment.environment.name", session.Environment));
            resource.Attributes.Add(Attribute("telemetry.sdk.name", "opentelemetry"));
            resource.Attributes.Add(Attribute("telemetry.sdk.language", "python"));
            var scope = new ScopeSpans
            {
                Scope = new InstrumentationScope { Name = "nimbus.support.assistant", Version = "3.2.0" },
            };
            scope.Spans.AddRange(_spans);
            var resourceSpans = new ResourceSpans { Resource = resource };
            resourceSpans.ScopeSpans.Add(scope);
            return resourceSpans;
        }
    }
}
