using System.Globalization;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>Reads how long a server asked to be left alone, from the headers that say so.</summary>
public static class RetryAfter
{
    /// <summary>
    /// The wait from <c>retry-after-ms</c> (Azure's), else <c>Retry-After</c> as seconds or as an HTTP date taken
    /// against <paramref name="now"/>. A date already past means no wait. Null when no header says.
    /// </summary>
    public static TimeSpan? Parse(string? retryAfter, string? retryAfterMs, DateTimeOffset now)
    {
        if (double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (string.IsNullOrWhiteSpace(retryAfter))
        {
            return null;
        }

        var value = retryAfter.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(
                value,
                "r",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
