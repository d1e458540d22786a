using System.Collections.Concurrent;
using LlmObserve.Core.Evaluation.Judge;
using Microsoft.Extensions.Time.Testing;

namespace LlmObserve.Tests.Evaluation.Judge;

/// <summary>A fake judge server with the real engine pointed at it, and the logs both write.</summary>
internal sealed class JudgeHarness : IAsyncDisposable
{
    public const string Key = "sk-test-7f3a-NEVER-LOG-ME-91c2";

    public static readonly JudgeInput RagTrace = new(
        "When did the Berlin Wall fall?",
        "The Berlin Wall fell on 9 November 1989.",
        ["The Berlin Wall fell on the night of 9 November 1989."]);

    private JudgeHarness(FakeJudgeServer server)
    {
        Server = server;
    }

    public FakeJudgeServer Server { get; }

    public CapturingLogger<JudgeClient> ClientLog { get; } = new();

    public CapturingLogger<JudgeEvaluator> EvaluatorLog { get; } = new();

    public JudgeEndpointLimiter Limiter { get; } = new();

    public JudgeSpendLedger Ledger { get; } = new();

    public IEnumerable<CapturedLog> AllLogs => ClientLog.Entries.Concat(EvaluatorLog.Entries);

    public static async Task<JudgeHarness> StartAsync() => new(await FakeJudgeServer.StartAsync());

    public JudgeEndpointOptions OpenAICompatible(
        TimeSpan? timeout = null,
        int maxAttempts = 3,
        int maxConcurrency = 4,
        Uri? endpoint = null) => new()
        {
            Provider = JudgeProvider.OpenAICompatible,
            Endpoint = endpoint ?? new Uri(Server.BaseAddress, "v1"),
            Model = "judge-model",
            ApiKey = Key,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
            MaxAttempts = maxAttempts,
            BaseRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(30),
            MaxConcurrency = maxConcurrency,
            InputPricePerMillionTokens = 2m,
            OutputPricePerMillionTokens = 8m,
        };

    public JudgeEvaluator Evaluator(
        JudgeTemplate template,
        JudgeEndpointOptions? options = null,
        JudgeBudget? budget = null,
        TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var client = new JudgeClient(options ?? OpenAICompatible(), Limiter, clock, ClientLog);
        return new JudgeEvaluator(
            template.Name,
            template,
            budget ?? JudgeBudget.Unlimited,
            client,
            Ledger,
            clock,
            EvaluatorLog);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A fake clock that also tells which timers were asked for, so a test knows a wait has begun.</summary>
internal sealed class ObservedTimeProvider(FakeTimeProvider fake) : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _timers = new();

    public FakeTimeProvider Fake => fake;

    public IReadOnlyList<TimeSpan> Timers => [.. _timers];

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override long GetTimestamp() => fake.GetTimestamp();

    public override long TimestampFrequency => fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = fake.CreateTimer(callback, state, dueTime, period);
        _timers.Enqueue(dueTime);
        return timer;
    }
}
