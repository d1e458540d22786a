using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Feedback;

/// <summary>How often one implicit signal was given, and per how many requests when those are known.</summary>
public sealed record SignalRate(string Kind, long Count, double? PerRequest);

/// <summary>
/// User feedback given over a range. <see cref="Explicit"/> counts thumbs and ratings (comments carry no
/// direction); <see cref="Negative"/> those that were thumbs down or a rating of
/// <see cref="FeedbackKinds.NegativeRatingUpTo"/> or less. Implicit signals, sent or inferred, are counted per kind,
/// and per request of the range when <see cref="Requests"/> is known.
/// </summary>
public sealed record FeedbackRates(
    long Explicit,
    long Negative,
    long Comments,
    long? Requests,
    IReadOnlyList<SignalRate> Implicit)
{
    /// <summary>Negative over explicit feedback, 0…1; null without explicit feedback.</summary>
    public double? NegativeShare => Explicit > 0 ? (double)Negative / Explicit : null;

    public long ImplicitTotal => Implicit.Sum(s => s.Count);
}

/// <summary>
/// Feedback rates of a project over a range, by the time the user gave the feedback, read through the
/// (project, time, kind, value) index of the feedback table without touching its rows.
/// </summary>
public sealed class FeedbackRateQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    /// <param name="projectId">The project.</param>
    /// <param name="from">Start of the range, included.</param>
    /// <param name="to">End of the range, left out.</param>
    /// <param name="requests">Requests (traces) of the range, to make signal counts rates; null leaves them.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<FeedbackRates> RatesAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        long? requests,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Feedback.AsNoTracking()
            .Where(f => f.ProjectId == projectId && f.CreatedAt >= from && f.CreatedAt < to)
            .GroupBy(f => f.Kind)
            .Select(g => new
            {
                Kind = g.Key,
                Count = g.LongCount(),
                Negative = g.LongCount(f => (f.Kind == FeedbackKinds.Thumbs && f.Value < 0)
                    || (f.Kind == FeedbackKinds.Rating && f.Value <= FeedbackKinds.NegativeRatingUpTo)),
            })
            .ToListAsync(cancellationToken);
        long CountOf(string kind) => rows.FirstOrDefault(r => r.Kind == kind)?.Count ?? 0;

        return new FeedbackRates(
            CountOf(FeedbackKinds.Thumbs) + CountOf(FeedbackKinds.Rating),
            rows.Sum(r => r.Negative),
            CountOf(FeedbackKinds.Comment),
            requests,
            [
                .. FeedbackKinds.Implicit.Select(kind => new SignalRate(
                    kind,
                    CountOf(kind),
                    requests is > 0 ? CountOf(kind) / (double)requests.Value : null)),
            ]);
    }
}
