namespace LlmObserve.Core.Traces;

/// <summary>Times as the store keeps them: signed 64-bit nanoseconds since the Unix epoch (1677 to 2262).</summary>
public static class UnixNanos
{
    private static readonly long _maxTicks = long.MaxValue / TimeSpan.NanosecondsPerTick;
    private static readonly long _minTicks = long.MinValue / TimeSpan.NanosecondsPerTick;

    public static DateTimeOffset ToDateTimeOffset(long unixNanos)
        => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / TimeSpan.NanosecondsPerTick);

    /// <summary>Converts, saturating at the ends of the range instead of wrapping into another century.</summary>
    public static long FromDateTimeOffset(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks >= _maxTicks ? long.MaxValue
            : ticks <= _minTicks ? long.MinValue
            : ticks * TimeSpan.NanosecondsPerTick;
    }
}
