using System.Diagnostics;

namespace LlmObserve.Bench;

/// <summary>What one send of a batch of traces came to.</summary>
internal enum SendOutcome
{
    Acknowledged,
    Refused,
    Failed,
}

/// <summary>Something that takes batches of traces: the writer in process, or the OTLP endpoint over HTTP.</summary>
internal interface IIngestTarget
{
    /// <summary>Renders a batch ahead of sending, so building it is not part of the measured time.</summary>
    object Prepare(TraceWorkload.TraceSlice slice);

    Task<SendOutcome> SendAsync(object prepared, CancellationToken cancellationToken);
}

internal sealed record LoadResult(
    long SpansAcknowledged,
    long Refused,
    long Failed,
    TimeSpan Elapsed,
    double[] LatenciesMs)
{
    /// <summary>Garbage collections of the whole process during the phase: client, server and writer.</summary>
    public GcActivity? Gc { get; init; }

    public double SpansPerSecond => SpansAcknowledged / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var sorted = LatenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Batches rendered before a phase starts and handed out once each. On two shared cores, building protobuf requests
/// inside the measured loop charges the load generator's own work (what an instrumented application does on its own
/// machine) to the server being measured, while the raw baseline does not time its row building either.
/// </summary>
internal sealed class PreparedBatches
{
    private readonly object[] batches;
    private int taken = -1;

    private PreparedBatches(object[] batches) => this.batches = batches;

    public int Count => batches.Length;

    public static PreparedBatches Build(IIngestTarget target, TraceWorkload workload, int tracesPerBatch, long count)
    {
        var batches = new object[count];
        for (var i = 0; i < batches.Length; i++)
        {
            batches[i] = target.Prepare(workload.Next(tracesPerBatch));
        }

        return new PreparedBatches(batches);
    }

    public bool TryTake(out object prepared)
    {
        var index = Interlocked.Increment(ref taken);
        prepared = index < batches.Length ? batches[index] : null!;
        if (index < batches.Length)
        {
            batches[index] = null!;
        }

        return index < batches.Length;
    }
}

/// <summary>Drives a target with bounded load: at full speed from several senders, or paced at a fixed rate.</summary>
internal static class LoadDriver
{
    /// <summary>
    /// Each sender sends its next batch as soon as the previous one is acknowledged; with <paramref name="prebuilt"/>
    /// the phase also ends when those batches are used up.
    /// </summary>
    public static async Task<LoadResult> FullSpeedAsync(
        IIngestTarget target,
        TraceWorkload workload,
        int senders,
        int tracesPerBatch,
        TimeSpan duration,
        long maxTraces,
        PreparedBatches? prebuilt = null)
    {
        var traces = 0L;
        var spans = 0L;
        var refused = 0L;
        var failed = 0L;
        var latencies = new List<double>[senders];
        var clock = Stopwatch.StartNew();

        async Task SendLoopAsync(int sender)
        {
            var own = latencies[sender] = [];
            while (clock.Elapsed < duration && Interlocked.Add(ref traces, tracesPerBatch) <= maxTraces)
            {
                object prepared;
                if (prebuilt is null)
                {
                    prepared = target.Prepare(workload.Next(tracesPerBatch));
                }
                else if (!prebuilt.TryTake(out prepared))
                {
                    break;
                }

                var sent = Stopwatch.GetTimestamp();
                var outcome = await target.SendAsync(prepared, CancellationToken.None);
                own.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                switch (outcome)
                {
                    case SendOutcome.Acknowledged:
                        Interlocked.Add(ref spans, tracesPerBatch * TraceWorkload.SpansPerTrace);
                        break;
                    case SendOutcome.Refused:
                        Interlocked.Increment(ref refused);
                        await Task.Delay(50);
                        break;
                    default:
                        Interlocked.Increment(ref failed);
                        break;
                }
            }
        }

        var gc = GcActivity.Start();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() => SendLoopAsync(s))));
        clock.Stop();

        return new LoadResult(spans, refused, failed, clock.Elapsed, [.. latencies.SelectMany(l => l)])
        {
            Gc = gc.Stop(),
        };
    }

    /// <summary>
    /// Sends batches at a fixed rate whatever the answers take (open loop), so a slow answer cannot hide the ones
    /// queued behind it. Latency runs from the moment a batch was due to its acknowledgement.
    /// </summary>
    public static async Task<LoadResult> PacedAsync(
        IIngestTarget target,
        TraceWorkload workload,
        double batchesPerSecond,
        int tracesPerBatch,
        TimeSpan duration,
        long maxTraces,
        int maxInFlight,
        PreparedBatches? prebuilt = null)
    {
        var interval = TimeSpan.FromSeconds(1 / batchesPerSecond);
        var batches = (long)Math.Min(duration / interval, maxTraces / tracesPerBatch);
        var spans = 0L;
        var refused = 0L;
        var failed = 0L;
        var latencies = new double[batches];
        var inFlight = new SemaphoreSlim(maxInFlight);
        var sends = new List<Task>();
        var gc = GcActivity.Start();
        var clock = Stopwatch.StartNew();

        async Task SendOneAsync(long index, object prepared, TimeSpan due)
        {
            try
            {
                var outcome = await target.SendAsync(prepared, CancellationToken.None);
                latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
                if (outcome == SendOutcome.Acknowledged)
                {
                    Interlocked.Add(ref spans, tracesPerBatch * TraceWorkload.SpansPerTrace);
                }
                else
                {
                    Interlocked.Increment(ref outcome == SendOutcome.Refused ? ref refused : ref failed);
                }
            }
            finally
            {
                inFlight.Release();
            }
        }

        var started = 0L;
        for (var i = 0L; i < batches; i++, started++)
        {
            object prepared;
            if (prebuilt is null)
            {
                prepared = target.Prepare(workload.Next(tracesPerBatch));
            }
            else if (!prebuilt.TryTake(out prepared))
            {
                break;
            }

            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await inFlight.WaitAsync();
            sends.Add(SendOneAsync(i, prepared, due));
        }

        await Task.WhenAll(sends);
        clock.Stop();

        return new LoadResult(spans, refused, failed, clock.Elapsed, latencies[..(int)started]) { Gc = gc.Stop() };
    }
}

/// <summary>
/// Collections per generation and total pause time over a phase, and the methods the JIT compiled in it with the time
/// that took: a phase still compiling measures start-up, not the steady state.
/// </summary>
internal sealed record GcActivity(int Gen0, int Gen1, int Gen2, TimeSpan Pause, long JitMethods, TimeSpan JitTime)
{
    public static GcActivity Start()
        => new(
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            System.Runtime.JitInfo.GetCompilationTime());

    public GcActivity Stop()
        => new(
            GC.CollectionCount(0) - Gen0,
            GC.CollectionCount(1) - Gen1,
            GC.CollectionCount(2) - Gen2,
            GC.GetTotalPauseDuration() - Pause,
            System.Runtime.JitInfo.GetCompiledMethodCount() - JitMethods,
            System.Runtime.JitInfo.GetCompilationTime() - JitTime);

    public override string ToString() => $"{Gen0}/{Gen1}/{Gen2} ({Pause.TotalMilliseconds:F0} ms)";

    public string JitText => $"{JitMethods} ({JitTime.TotalMilliseconds:F0} ms)";
}
