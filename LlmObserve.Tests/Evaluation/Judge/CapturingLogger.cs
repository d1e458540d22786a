using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Evaluation.Judge;

/// <summary>Keeps every log line written, message, structured values and exception alike, for tests to read.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
            : string.Empty;
        var message = formatter(state, exception);
        _entries.Enqueue(new CapturedLog(logLevel, eventId.Id, message, values, exception?.ToString()));
    }
}

internal sealed record CapturedLog(LogLevel Level, int EventId, string Message, string Values, string? Exception)
{
    public string AllText => $"{Message}\n{Values}\n{Exception}";
}
