using LlmObserve.Core.Alerts;

namespace LlmObserve.Tests.Alerts;

/// <summary>The level a reading puts a rule at, the retry waits, and the notice's link.</summary>
public sealed class AlertUnitTests
{
    [Theory]
    [InlineData("above", 5.0, 3L, "ok")]
    [InlineData("above", 10.5, 3L, "warning")]
    [InlineData("above", 20.0, 3L, "critical")]
    [InlineData("above", 20.0, 2L, null)]
    [InlineData("below", 5.0, 3L, "critical")]
    [InlineData("below", 30.0, 3L, "ok")]
    public void LevelOf_ComparesInTheRuleDirection_AndNeedsEnoughSamples(
        string direction,
        double value,
        long samples,
        string? expected)
    {
        var rule = Rule(direction);
        if (direction == "below")
        {
            rule.WarningThreshold = 20;
            rule.CriticalThreshold = 10;
        }

        Assert.Equal(expected, AlertEvaluator.LevelOf(rule, new AlertReading(value, samples)));
    }

    [Fact]
    public void LevelOf_NoValue_ChangesNothing()
        => Assert.Null(AlertEvaluator.LevelOf(Rule("above"), new AlertReading(null, 10)));

    [Fact]
    public void RetryDelay_DoublesUpToTheMaximum()
    {
        var settings = new AlertOptions { RetryBaseSeconds = 30, RetryMaxSeconds = 100 };
        Assert.Equal(
            [30.0, 60.0, 100.0, 100.0],
            new[] { 1, 2, 3, 4 }.Select(n => AlertDispatcher.RetryDelay(settings, n).TotalSeconds));
    }

    [Fact]
    public void Notice_WithPublicBaseUrl_LinksAbsolutely()
    {
        var at = new DateTimeOffset(2026, 12, 5, 7, 0, 0, TimeSpan.Zero);
        var alert = new AlertEvent
        {
            Id = 7,
            ProjectId = "p",
            RuleId = 3,
            RuleName = "slow",
            Metric = AlertMetricNames.LatencyP95,
            Level = AlertLevel.Warning,
            Status = AlertEventStatus.Firing,
            Value = 1500,
            Threshold = 1000,
            Direction = AlertDirection.Above,
            Samples = 9,
            WindowStart = at.AddMinutes(-5),
            WindowEnd = at,
            CreatedAt = at,
            Link = AlertEvaluator.TraceLink(Rule("above"), [new("minLatencyMs", "1000")], at.AddMinutes(-5), at),
        };
        var notice = AlertNotice.From(alert, "https://observe.example.test/");
        Assert.Equal(
            "https://observe.example.test/traces?from=2026-12-05T06%3A55%3A00Z&to=2026-12-05T07%3A00%3A00Z"
                + "&environment=prod&minLatencyMs=1000",
            notice.Link);
        Assert.Equal(
            "FIRING WARNING: slow — latency_p95 = 1500 (above 1000) over 5 min, 9 samples",
            notice.Summary());
    }

    private static AlertRule Rule(string direction) => new()
    {
        ProjectId = "p",
        Name = "r",
        Metric = AlertMetricNames.LatencyP95,
        Direction = direction,
        Environment = "prod",
        WarningThreshold = 10,
        CriticalThreshold = 15,
        MinSamples = 3,
    };
}
