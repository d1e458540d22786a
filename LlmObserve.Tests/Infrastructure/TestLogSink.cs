using System.Collections.Concurrent;
using LlmObserve.Tests.Evaluation.Engine;
using LlmObserve.Tests.Evaluation.Judge;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// Every log event of every <see cref="RunningApp"/> of the test process, at every level the app lets through to a
/// provider, checked as it is written for the well-known secrets of the test suite. Events are not kept (a full run
/// writes millions), only counted, with the ones that hold a secret; <see cref="Security.LogAuditTests"/> reads the
/// result after every other test has run.
/// </summary>
public static class TestLogSink
{
    private static readonly ConcurrentQueue<string> Leaks = new();
    private static long _events;

    /// <summary>Keys and passwords the tests use, which no log line may ever hold.</summary>
    public static IReadOnlyList<string> WellKnownSecrets { get; } =
    [
        RunningApp.SecretKey,
        RunningApp.PublicKey,
        JudgeHarness.Key,
        EvaluationHarness.JudgeKey,
    ];

    public static long Events => Interlocked.Read(ref _events);

    public static IReadOnlyList<string> LeakedLines => [.. Leaks];

    /// <summary>A provider to add to an app's logging; it writes into this one sink.</summary>
    public static ILoggerProvider CreateProvider() => new SinkProvider();

    private static void Record(string category, LogLevel level, string text)
    {
        Interlocked.Increment(ref _events);
        foreach (var secret in WellKnownSecrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                // The line is kept with the secret masked, so the failure report does not spread it further.
                var masked = text.Replace(secret, "[" + secret[..5] + "…]", StringComparison.Ordinal);
                Leaks.Enqueue($"{level} {category}: {masked}");
            }
        }
    }

    /// <summary>Its own type so that filter rules can address it by name.</summary>
    [ProviderAlias("TestLogSink")]
    internal sealed class SinkProvider : ILoggerProvider
    {
        private readonly AsyncLocal<string?> _scopes = new();

        public ILogger CreateLogger(string categoryName) => new SinkLogger(categoryName, _scopes);

        public void Dispose()
        {
        }
    }

    private sealed class SinkLogger(string category, AsyncLocal<string?> scopes) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var outer = scopes.Value;
            scopes.Value = outer + " => " + Describe(state);
            return new Scope(scopes, outer);
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception) + "\n" + Describe(state) + "\n" + exception + "\n" + scopes.Value;
            Record(category, logLevel, text);
        }

        private static string Describe<TState>(TState state)
            => state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                : state?.ToString() ?? string.Empty;
    }

    private sealed class Scope(AsyncLocal<string?> scopes, string? outer) : IDisposable
    {
        public void Dispose() => scopes.Value = outer;
    }
}
