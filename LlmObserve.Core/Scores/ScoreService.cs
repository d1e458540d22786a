using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Live;
using LlmObserve.Core.Redaction;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces.Queries;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Scores;

/// <summary>A score sent through the API: a value, a label or both, with an optional explanation.</summary>
public sealed record ScoreDraft(
    string? TraceId,
    string? SpanId,
    string? Name,
    double? Value,
    string? Label,
    string? Explanation);

/// <summary>Stores scores that applications send themselves (source <see cref="ScoreSource.Api"/>).</summary>
public sealed class ScoreService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    IScoreChangeNotifier changes,
    LlmObserveOptions options,
    TimeProvider timeProvider,
    RedactionSettingsService? redaction = null)
{
    public const int MaxNameLength = 200;
    public const int MaxLabelLength = 200;

    /// <summary>
    /// Checks and stores the score. The trace need not have arrived yet: a score may come before its trace, as it
    /// may through <c>/api/ingest</c>.
    /// </summary>
    public async Task<(Score? Score, IReadOnlyList<FieldError> Errors)> AddAsync(
        string projectId,
        ScoreDraft draft,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var traceId = TraceIds.NormalizeTraceId(draft.TraceId?.Trim());
        if (traceId is null)
        {
            errors.Add(new FieldError("traceId", "'traceId' is required: 32 hexadecimal characters."));
        }

        string? spanId = null;
        if (draft.SpanId is not null && (spanId = NormalizeSpanId(draft.SpanId.Trim())) is null)
        {
            errors.Add(new FieldError("spanId", "'spanId' must be 16 hexadecimal characters."));
        }

        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors.Add(new FieldError("name", $"'name' is required, at most {MaxNameLength} characters."));
        }

        if (draft.Value is { } value && !double.IsFinite(value))
        {
            errors.Add(new FieldError("value", "'value' must be a finite number."));
        }

        var label = string.IsNullOrWhiteSpace(draft.Label) ? null : draft.Label.Trim();
        if (label is { Length: > MaxLabelLength })
        {
            errors.Add(new FieldError("label", $"'label' must be at most {MaxLabelLength} characters."));
        }

        if (draft.Value is null && label is null)
        {
            errors.Add(new FieldError("value", "A score needs a 'value' or a 'label'."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var explanation = draft.Explanation;
        if (redaction is not null && explanation is not null)
        {
            var redactor = await redaction.GetRedactorAsync(projectId, cancellationToken);
            explanation = redactor.Text(explanation, new RedactionCounts());
        }

        var limit = options.Ingestion.MaxFieldChars;
        if (explanation is not null && explanation.Length > limit)
        {
            explanation = TextLimiter.Cut(explanation, limit);
        }

        var score = new Score
        {
            ProjectId = projectId,
            TraceId = traceId!,
            SpanId = spanId,
            Name = name!,
            Value = draft.Value,
            Label = label,
            Explanation = explanation,
            Source = ScoreSource.Api,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Scores.Add(score);
        await db.SaveChangesAsync(cancellationToken);
        changes.Publish(new ScoreChange(projectId, [score.TraceId], score.CreatedAt));
        return (score, []);
    }

    private static string? NormalizeSpanId(string text)
        => text.Length == 16 && text.All(char.IsAsciiHexDigit) ? text.ToLowerInvariant() : null;
}
