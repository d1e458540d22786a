using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Live;
using LlmObserve.Core.Redaction;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces.Queries;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Scores;

/// <summary>
/// A score sent through the API: a value, a label or both, with an optional explanation, and optionally the sender's
/// own id for it (<see cref="ClientIds"/>), which makes a retry store it once.
/// </summary>
public sealed record ScoreDraft(
    string? TraceId,
    string? SpanId,
    string? Name,
    double? Value,
    string? Label,
    string? Explanation,
    string? ClientId = null);

/// <summary>
/// Stores scores that applications send themselves (source <see cref="ScoreSource.Api"/>). A score sent with a client
/// id is stored once per project, the same id space as <c>scores[].id</c> of <c>/api/ingest</c>: a retry, or a
/// reuse of the id with other content, gets the score stored first, so a mean is never moved twice by one send.
/// </summary>
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
    /// <returns>
    /// The stored score, and whether it was stored before under the draft's client id (nothing new was stored); or
    /// null with every field at fault.
    /// </returns>
    public async Task<(Score? Score, bool AlreadyStored, IReadOnlyList<FieldError> Errors)> AddAsync(
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

        if (ClientIds.Check(draft.ClientId) is { } idFault)
        {
            errors.Add(new FieldError("id", $"'id' {idFault}"));
        }

        if (errors.Count > 0)
        {
            return (null, false, errors);
        }

        if (draft.ClientId is { } clientId
            && await FindByClientIdAsync(projectId, clientId, cancellationToken) is { } stored)
        {
            return (stored, true, []);
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
            ClientId = draft.ClientId,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Scores.Add(score);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (score.ClientId is not null && ClientIds.IsDuplicate(ex))
        {
            var first = await FindByClientIdAsync(projectId, score.ClientId, cancellationToken);
            if (first is null)
            {
                throw;
            }

            return (first, true, []);
        }

        changes.Publish(new ScoreChange(projectId, [score.TraceId], score.CreatedAt));
        return (score, false, []);
    }

    private async Task<Score?> FindByClientIdAsync(string projectId, string clientId, CancellationToken cancel)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancel);
        return await db.Scores.AsNoTracking()
            .FirstOrDefaultAsync(s => s.ProjectId == projectId && s.ClientId == clientId, cancel);
    }

    private static string? NormalizeSpanId(string text)
        => text.Length == 16 && text.All(char.IsAsciiHexDigit) ? text.ToLowerInvariant() : null;
}
