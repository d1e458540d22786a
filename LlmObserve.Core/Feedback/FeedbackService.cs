using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Ingestion.Otlp;
using LlmObserve.Core.Redaction;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces.Queries;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Feedback;

/// <summary>Feedback as a caller sends it: tied to a trace id or to the application's request id.</summary>
public sealed record FeedbackDraft(
    string? TraceId,
    string? RequestId,
    string? Kind,
    double? Value,
    string? Comment,
    string? UserId,
    DateTimeOffset? Time,
    string? ClientId = null);

/// <summary>
/// A stored feedback entry, and whether its trace is known yet (linked) or it waits for it (pending).
/// </summary>
public sealed record FeedbackRecord(
    long Id,
    string? TraceId,
    string? RequestId,
    string Kind,
    double? Value,
    string? Comment,
    string? UserId,
    DateTimeOffset Time,
    string Source,
    string? Inference,
    bool Linked,
    string? ClientId)
{
    public static FeedbackRecord Of(FeedbackEntry entry) => new(
        entry.Id,
        entry.TraceId,
        entry.RequestId,
        entry.Kind,
        entry.Value,
        entry.Comment,
        entry.UserId,
        entry.CreatedAt,
        entry.Source,
        entry.Inference,
        entry.LinkedAt is not null,
        entry.ClientId);
}

/// <summary>
/// Checks and stores feedback from <c>POST /api/feedback</c>. Feedback whose trace has not arrived is kept as
/// pending and linked by <see cref="FeedbackLinker"/> when it does: traces can be late, feedback must not be lost.
/// Feedback sent with a client id is stored once per project: a retry gets the entry stored first, as if it were
/// the first send, so a client that retries after a timeout never counts a user's signal twice.
/// </summary>
public sealed class FeedbackService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options,
    TimeProvider timeProvider,
    RedactionSettingsService? redaction = null)
{
    public const int MaxIdLength = 200;

    /// <summary>
    /// How far ahead of the server's clock a caller's time may be (clock skew), before it is refused.
    /// </summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    public async Task<(FeedbackRecord? Feedback, IReadOnlyList<FieldError> Errors)> AddAsync(
        string projectId,
        FeedbackDraft draft,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var (entry, errors) = Validate(projectId, draft, now, options.Ingestion.MaxFieldChars);
        if (entry is null)
        {
            return (null, errors);
        }

        if (entry.ClientId is { } clientId
            && await FindByClientIdAsync(projectId, clientId, cancellationToken) is { } stored)
        {
            return (stored, []);
        }

        if (redaction is not null)
        {
            var redactor = await redaction.GetRedactorAsync(projectId, cancellationToken);
            entry.Comment = redactor.Text(entry.Comment, new RedactionCounts());
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (entry.TraceId is null)
        {
            entry.TraceId = await FindTraceByRequestIdAsync(db, projectId, entry.RequestId!, cancellationToken);
        }

        if (entry.TraceId is { } traceId
            && await db.Traces.AnyAsync(t => t.ProjectId == projectId && t.TraceId == traceId, cancellationToken))
        {
            entry.LinkedAt = now;
        }

        db.Feedback.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (entry.ClientId is not null && ClientIds.IsDuplicate(ex))
        {
            // A concurrent send of the same id committed between the look-up above and this insert.
            var first = await FindByClientIdAsync(projectId, entry.ClientId, cancellationToken);
            if (first is null)
            {
                throw;
            }

            return (first, []);
        }

        return (FeedbackRecord.Of(entry), []);
    }

    /// <summary>A project's feedback, newest first, by trace, by request id or only what is still pending.</summary>
    public async Task<IReadOnlyList<FeedbackRecord>> ListAsync(
        string projectId,
        string? traceId,
        string? requestId,
        bool pendingOnly,
        int limit,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Feedback.AsNoTracking().Where(f => f.ProjectId == projectId);
        if (traceId is not null)
        {
            query = query.Where(f => f.TraceId == traceId);
        }

        if (requestId is not null)
        {
            query = query.Where(f => f.RequestId == requestId);
        }

        if (pendingOnly)
        {
            query = query.Where(f => f.LinkedAt == null);
        }

        var rows = await query.OrderByDescending(f => f.Id).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(FeedbackRecord.Of)];
    }

    private async Task<FeedbackRecord?> FindByClientIdAsync(
        string projectId,
        string clientId,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Feedback.AsNoTracking()
            .FirstOrDefaultAsync(f => f.ProjectId == projectId && f.ClientId == clientId, cancellationToken);
        return stored is null ? null : FeedbackRecord.Of(stored);
    }

    /// <summary>The entry <paramref name="draft"/> describes, or every field at fault (all at once).</summary>
    public static (FeedbackEntry? Entry, IReadOnlyList<FieldError> Errors) Validate(
        string projectId,
        FeedbackDraft draft,
        DateTimeOffset now,
        int maxFieldChars)
    {
        var errors = new List<FieldError>();
        string? traceId = null;
        if (draft.TraceId is not null && (traceId = TraceIds.NormalizeTraceId(draft.TraceId.Trim())) is null)
        {
            errors.Add(new FieldError("traceId", "'traceId' must be 32 hexadecimal characters."));
        }

        var requestId = string.IsNullOrWhiteSpace(draft.RequestId) ? null : draft.RequestId.Trim();
        if (requestId is { Length: > MaxIdLength })
        {
            errors.Add(new FieldError("requestId", $"'requestId' must be at most {MaxIdLength} characters."));
        }

        if (draft.TraceId is null && requestId is null)
        {
            errors.Add(new FieldError("traceId", "Feedback needs a 'traceId' or a 'requestId'."));
        }

        var kind = draft.Kind?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(kind))
        {
            errors.Add(new FieldError("kind", $"'kind' is required: one of {string.Join(", ", FeedbackKinds.All)}."));
        }
        else if (!FeedbackKinds.IsKnown(kind))
        {
            errors.Add(new FieldError(
                "kind",
                $"'{Shorten(kind)}' is not a kind of feedback: use one of {string.Join(", ", FeedbackKinds.All)}."));
        }
        else if (draft.Value is { } v && !double.IsFinite(v))
        {
            errors.Add(new FieldError("value", "'value' must be a finite number."));
        }
        else if (FeedbackKinds.Check(kind, draft.Value, draft.Comment) is { } fault)
        {
            errors.Add(new FieldError(fault.Field, fault.Reason));
        }

        var userId = string.IsNullOrWhiteSpace(draft.UserId) ? null : draft.UserId.Trim();
        if (userId is { Length: > MaxIdLength })
        {
            errors.Add(new FieldError("userId", $"'userId' must be at most {MaxIdLength} characters."));
        }

        if (ClientIds.Check(draft.ClientId) is { } idFault)
        {
            errors.Add(new FieldError("id", $"'id' {idFault}"));
        }

        if (draft.Time is { } time && time > now + MaxFutureSkew)
        {
            errors.Add(new FieldError("time", "'time' lies in the future; send when the user gave the feedback."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var comment = string.IsNullOrWhiteSpace(draft.Comment) ? null : draft.Comment;
        if (comment is not null && comment.Length > maxFieldChars)
        {
            comment = TextLimiter.Cut(comment, maxFieldChars);
        }

        return (new FeedbackEntry
        {
            ProjectId = projectId,
            TraceId = traceId,
            RequestId = requestId,
            Kind = kind!,
            Value = draft.Value,
            Comment = comment,
            UserId = userId,
            CreatedAt = draft.Time?.ToUniversalTime() ?? now,
            Source = FeedbackSource.Api,
            ClientId = draft.ClientId,
        }, []);
    }

    internal static async Task<string?> FindTraceByRequestIdAsync(
        LlmObserveDbContext db,
        string projectId,
        string requestId,
        CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = FeedbackRequestIds.FindTrace;
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$request", requestId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
