using Microsoft.Extensions.Logging;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>Records the error-level (and critical) events of one test app, so a test can say none was logged.</summary>
public sealed class ErrorLogRecorder : ILoggerProvider
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ErrorLogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Error)
            {
                return;
            }

            lock (owner._errors)
            {
                owner._errors.Add($"{category}: {formatter(state, exception)}");
            }
        }
    }
}
