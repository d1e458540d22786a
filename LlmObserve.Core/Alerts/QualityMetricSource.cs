using System.Globalization;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Alerts;

/// <summary>
/// Score means, the hallucination rate (the share of failing labels among labelled groundedness-type scores, as on
/// the Quality page) and the negative-feedback rate, over the scores and feedback created in the window. An
/// environment or model filter keeps those whose trace has it.
/// </summary>
public sealed class QualityMetricSource(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options) : IAlertMetricSource
{
    public IReadOnlyList<AlertMetricInfo> Metrics { get; } =
    [
        new(AlertMetricNames.ScoreMean, "Score mean", "score value", ScoreFilter: true, ScoreNameRequired: true),
        new(AlertMetricNames.HallucinationRate, "Hallucination rate", "share 0-1", ScoreFilter: true),
        new(AlertMetricNames.NegativeFeedbackRate, "Negative feedback rate", "share 0-1"),
    ];

    public async Task<AlertReading> ReadAsync(
        AlertRule rule,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return rule.Metric switch
        {
            AlertMetricNames.ScoreMean or AlertMetricNames.HallucinationRate
                => await ReadScoresAsync(db, rule, from, to, cancellationToken),
            AlertMetricNames.NegativeFeedbackRate => await ReadFeedbackAsync(db, rule, from, to, cancellationToken),
            _ => throw new ArgumentException($"'{rule.Metric}' is not a quality metric.", nameof(rule)),
        };
    }

    public IReadOnlyList<KeyValuePair<string, string>> TraceFilters(AlertRule rule, double? threshold)
    {
        switch (rule.Metric)
        {
            case AlertMetricNames.NegativeFeedbackRate:
                return [new("feedback", "negative")];
            case AlertMetricNames.ScoreMean when rule.ScoreName is not null:
                var bound = threshold is { } t ? t.ToString("R", CultureInfo.InvariantCulture) : null;
                List<KeyValuePair<string, string>> filters = [new("scoreName", rule.ScoreName)];
                if (bound is not null)
                {
                    filters.Add(new(rule.Direction == AlertDirection.Below ? "maxScore" : "minScore", bound));
                }

                return filters;
            case AlertMetricNames.HallucinationRate when rule.ScoreName is not null:
                return [new("scoreName", rule.ScoreName)];
            default:
                return [];
        }
    }

    private async Task<AlertReading> ReadScoresAsync(
        LlmObserveDbContext db,
        AlertRule rule,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var scores = db.Scores.Where(s => s.ProjectId == rule.ProjectId && s.CreatedAt >= from && s.CreatedAt < to);
        if (rule.ScoreName is not null)
        {
            scores = scores.Where(s => s.Name == rule.ScoreName);
        }

        if (rule.EvaluatorId is not null)
        {
            scores = scores.Where(s => s.EvaluatorId == rule.EvaluatorId);
        }

        if (rule.Environment is not null || rule.Model is not null)
        {
            var traces = db.Traces.Where(t => t.ProjectId == rule.ProjectId);
            if (rule.Environment is not null)
            {
                traces = traces.Where(t => (t.Environment ?? string.Empty) == rule.Environment);
            }

            if (rule.Model is not null)
            {
                var marked = "," + rule.Model + ",";
                traces = traces.Where(t => ("," + (t.Models ?? string.Empty) + ",").Contains(marked));
            }

            scores = scores.Where(s => traces.Any(t => t.TraceId == s.TraceId));
        }

        var rows = await scores
            .Select(s => new { s.Name, s.Value, s.Label })
            .ToListAsync(cancellationToken);
        if (rule.Metric == AlertMetricNames.ScoreMean)
        {
            var values = rows.Where(r => r.Value is not null).Select(r => r.Value!.Value).ToList();
            return new AlertReading(values.Count > 0 ? values.Average() : null, values.Count);
        }

        var failing = options.Quality.FailingLabelSet();
        var labelled = rows
            .Where(r => !string.IsNullOrEmpty(r.Label))
            .Where(r => rule.ScoreName is not null || QualityQueries.IsHallucinationType(r.Name))
            .ToList();
        var failed = labelled.Count(r => failing.Contains(r.Label!));
        return new AlertReading(labelled.Count > 0 ? (double)failed / labelled.Count : null, labelled.Count);
    }

    private static async Task<AlertReading> ReadFeedbackAsync(
        LlmObserveDbContext db,
        AlertRule rule,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var feedback = db.Feedback.Where(f => f.ProjectId == rule.ProjectId && f.CreatedAt >= from && f.CreatedAt < to
            && (f.Kind == FeedbackKinds.Thumbs || f.Kind == FeedbackKinds.Rating));
        if (rule.Environment is not null || rule.Model is not null)
        {
            var traces = db.Traces.Where(t => t.ProjectId == rule.ProjectId);
            if (rule.Environment is not null)
            {
                traces = traces.Where(t => (t.Environment ?? string.Empty) == rule.Environment);
            }

            if (rule.Model is not null)
            {
                var marked = "," + rule.Model + ",";
                traces = traces.Where(t => ("," + (t.Models ?? string.Empty) + ",").Contains(marked));
            }

            feedback = feedback.Where(f => traces.Any(t => t.TraceId == f.TraceId));
        }

        var rows = await feedback.Select(f => new { f.Kind, f.Value }).ToListAsync(cancellationToken);
        var negative = rows.Count(f => f.Kind == FeedbackKinds.Thumbs
            ? f.Value < 0
            : f.Value <= FeedbackKinds.NegativeRatingUpTo);
        return new AlertReading(rows.Count > 0 ? (double)negative / rows.Count : null, rows.Count);
    }
}
