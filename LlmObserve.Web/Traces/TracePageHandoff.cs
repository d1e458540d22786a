using System.Security.Cryptography;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>What a trace page's prerender read, for the circuit that takes the page over.</summary>
/// <param name="ProjectId">The project the trace was found in.</param>
/// <param name="Header">The trace without its spans.</param>
/// <param name="Selected">The selected span in full, when the trace has one.</param>
/// <param name="Outline">The span outline, still being read when the prerender answered.</param>
public sealed record TracePageStart(
    string ProjectId,
    TraceDetail Header,
    SpanDetail? Selected,
    Task<TraceDetail?> Outline);

/// <summary>
/// Carries a trace page from its prerender to its interactive circuit. The prerender answers with the trace's
/// header and selected span, starts reading the span outline, and leaves all of it here under a random key that
/// the page persists; the circuit, which the browser starts a moment later, takes it instead of reading again.
/// The outline of a big trace is so read once per open, while the browser loads scripts and connects.
/// </summary>
/// <remarks>
/// Nothing is shipped through the browser: persisted component state travels back to the server in one SignalR
/// message, and an outline of ten thousand spans would overrun its size limit. Entries live briefly and their
/// spans are bounded, so pages that never connect (a crawler, curl) hold little memory for little time. A key that
/// finds nothing (expired, another app instance, the budget full) only means the circuit reads the trace itself.
/// </remarks>
public sealed class TracePageHandoff(TimeProvider timeProvider)
{
    /// <summary>Spans held at most across every waiting entry; about 60 MB of outline.</summary>
    public const int MaxWaitingSpans = 100_000;

    /// <summary>How long an entry waits for its circuit; browsers connect within a second or two.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _waitingSpans;

    /// <summary>Entries waiting for their circuit.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="readOutline"/> and keeps its result with the header and selection; the key to take
    /// them, or null when the budget is spent, in which case the outline is not read at all.
    /// </summary>
    public string? Leave(
        string projectId,
        TraceDetail header,
        SpanDetail? selected,
        Func<Task<TraceDetail?>> readOutline)
    {
        var spans = Math.Max(header.SpanCount, 1);
        var now = timeProvider.GetUtcNow();
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            RemoveExpired(now);
            if (_waitingSpans + spans > MaxWaitingSpans)
            {
                return null;
            }

            _waitingSpans += spans;

            // On the thread pool: SQLite's async calls complete synchronously, and the prerender must not wait.
            var outline = Task.Run(() => ReadQuietlyAsync(readOutline));
            var start = new TracePageStart(projectId, header, selected, outline);
            _entries.Add(key, new Entry(start, spans, now + Lifetime));
        }

        return key;
    }

    /// <summary>The entry of <paramref name="key"/> if it is for <paramref name="traceId"/> and still fresh.</summary>
    public TracePageStart? Take(string? key, string traceId)
    {
        if (key is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            RemoveExpired(now);
            if (!_entries.Remove(key, out var entry))
            {
                return null;
            }

            _waitingSpans -= entry.Spans;
            return string.Equals(entry.Start.Header.TraceId, traceId, StringComparison.Ordinal) ? entry.Start : null;
        }
    }

    // A failed read is left for the circuit to repeat, where the failure reaches the page's own error handling.
    private static async Task<TraceDetail?> ReadQuietlyAsync(Func<Task<TraceDetail?>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception)
        {
            return null;
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        if (_entries.Count == 0)
        {
            return;
        }

        foreach (var (key, entry) in _entries.Where(e => e.Value.Expires <= now).ToList())
        {
            _entries.Remove(key);
            _waitingSpans -= entry.Spans;
        }
    }

    private sealed record Entry(TracePageStart Start, int Spans, DateTimeOffset Expires);
}
