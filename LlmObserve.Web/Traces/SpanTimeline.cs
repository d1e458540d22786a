using System.Globalization;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>Where a span's bar sits in the waterfall, in percent of the trace's width.</summary>
public readonly record struct TimelineBar(double OffsetPercent, double WidthPercent)
{
    /// <summary>The bar as inline CSS; invariant culture so a comma never reaches the stylesheet.</summary>
    public string Style
        => string.Create(
            CultureInfo.InvariantCulture,
            $"left: {OffsetPercent:0.###}%; width: {WidthPercent:0.###}%");
}

/// <summary>The time axis of a trace's waterfall: from its earliest span start to its latest span end.</summary>
public sealed class SpanTimeline
{
    // A zero-length span still needs a visible mark.
    private const double MinWidthPercent = 0.3;

    private readonly long _start;
    private readonly long _length;

    private SpanTimeline(long start, long end)
    {
        _start = start;
        _length = Math.Max(end - start, 1);
    }

    public static SpanTimeline Of(IReadOnlyList<SpanDetail> spans)
    {
        if (spans.Count == 0)
        {
            return new SpanTimeline(0, 1);
        }

        var start = long.MaxValue;
        var end = long.MinValue;
        foreach (var span in spans)
        {
            start = Math.Min(start, span.StartTimeUnixNano);
            end = Math.Max(end, span.EndTimeUnixNano);
        }

        return new SpanTimeline(start, end);
    }

    public double TotalMs => _length / 1_000_000d;

    public TimelineBar Bar(SpanDetail span)
    {
        var offset = Math.Clamp((span.StartTimeUnixNano - _start) * 100d / _length, 0, 100);
        var width = Math.Clamp((span.EndTimeUnixNano - span.StartTimeUnixNano) * 100d / _length, 0, 100 - offset);
        return new TimelineBar(offset, Math.Max(width, Math.Min(MinWidthPercent, 100 - offset)));
    }
}
