using System.Text.Json;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// The read side of traces: the filtered newest-first list with keyset pages, and one trace in full.
/// Every query is scoped by project.
/// </summary>
public sealed class TraceQueries(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Characters of input and output a list row carries; the full text is on the trace.</summary>
    public const int PreviewChars = 300;

    private const char LikeEscape = '\\';

    /// <summary>The project pages show until accounts exist: the first one created.</summary>
    public async Task<string?> FirstProjectIdAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Projects
            .OrderBy(p => p.CreatedAt)
            .Select(p => p.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Traces of <paramref name="projectId"/> matching <paramref name="filter"/>, newest first, starting after
    /// <paramref name="after"/>. The limit is clamped to 1…<see cref="MaxLimit"/>.
    /// </summary>
    public async Task<TracePage> ListAsync(
        string projectId,
        TraceFilter filter,
        TraceCursor? after,
        int limit,
        CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, projectId, filter);
        if (after is { } cursor)
        {
            query = query.Where(t => t.StartTimeUnixNano < cursor.StartTimeUnixNano
                || (t.StartTimeUnixNano == cursor.StartTimeUnixNano && string.Compare(t.TraceId, cursor.TraceId) < 0));
        }

        // One row beyond the page tells whether another page exists without a second query.
        var rows = await query
            .OrderByDescending(t => t.StartTimeUnixNano)
            .ThenByDescending(t => t.TraceId)
            .Take(limit + 1)
            .Select(t => new TraceSummary
            {
                TraceId = t.TraceId,
                Name = t.Name,
                SessionId = t.SessionId,
                UserId = t.UserId,
                Environment = t.Environment,
                Release = t.Release,
                Version = t.Version,
                Tags = DecodeTags(t.TagsJson),
                StartTime = UnixNanos.ToDateTimeOffset(t.StartTimeUnixNano),
                EndTime = UnixNanos.ToDateTimeOffset(t.EndTimeUnixNano),
                StartTimeUnixNano = t.StartTimeUnixNano,
                LatencyMs = t.LatencyMs,
                Status = t.Status,

                // Cut in SQL, so a list page never loads whole prompts.
                InputPreview = t.InputText!.Substring(0, PreviewChars),
                OutputPreview = t.OutputText!.Substring(0, PreviewChars),
                Models = SplitModels(t.Models),
                Tokens = new TokenTotals(
                    t.InputTokens,
                    t.OutputTokens,
                    t.CachedTokens,
                    t.ReasoningTokens,
                    t.TotalTokens),
                Cost = t.Cost,
                SpanCount = t.SpanCount,
                ErrorCount = t.ErrorCount,
                RootMissing = t.RootMissing,
            })
            .ToListAsync(cancellationToken);

        var hasMore = rows.Count > limit;
        var page = rows.Take(limit).ToList();
        var next = hasMore ? new TraceCursor(page[^1].StartTimeUnixNano, page[^1].TraceId).Encode() : null;
        return new TracePage(page, next);
    }

    /// <summary>
    /// How many traces matching <paramref name="filter"/> start after <paramref name="newest"/> (all when null),
    /// counted up to <paramref name="cap"/>.
    /// </summary>
    public async Task<int> CountNewerAsync(
        string projectId,
        TraceFilter filter,
        TraceCursor? newest,
        int cap,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, projectId, filter);
        if (newest is { } cursor)
        {
            query = query.Where(t => t.StartTimeUnixNano > cursor.StartTimeUnixNano
                || (t.StartTimeUnixNano == cursor.StartTimeUnixNano && string.Compare(t.TraceId, cursor.TraceId) > 0));
        }

        return await query
            .OrderBy(t => t.StartTimeUnixNano)
            .ThenBy(t => t.TraceId)
            .Take(cap)
            .CountAsync(cancellationToken);
    }

    /// <summary>One trace of the project with its spans (by start), scores and feedback; null when unknown.</summary>
    public Task<TraceDetail?> GetAsync(string projectId, string traceId, CancellationToken cancellationToken)
        => LoadTraceAsync(projectId, traceId, spans => spans, cancellationToken);

    /// <summary>
    /// A trace's header, scores and feedback, and its spans by start, each read through <paramref name="shape"/>
    /// so a caller can leave columns out.
    /// </summary>
    internal async Task<TraceDetail?> LoadTraceAsync(
        string projectId,
        string traceId,
        Func<IQueryable<SpanEntity>, IQueryable<SpanEntity>> shape,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var trace = await db.Traces.AsNoTracking()
            .FirstOrDefaultAsync(t => t.ProjectId == projectId && t.TraceId == traceId, cancellationToken);
        if (trace is null)
        {
            return null;
        }

        var spans = await shape(db.Spans.AsNoTracking()
                .Where(s => s.ProjectId == projectId && s.TraceId == traceId)
                .OrderBy(s => s.StartTimeUnixNano)
                .ThenBy(s => s.Id))
            .ToListAsync(cancellationToken);
        var scores = await db.Scores.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.TraceId == traceId)
            .OrderBy(s => s.Id)
            .Select(s => new ScoreView(
                s.Id,
                s.SpanId,
                s.Name,
                s.Value,
                s.Label,
                s.Explanation,
                s.Source,
                s.EvaluatorId,
                s.EvaluatorVersion,
                s.CreatedAt))
            .ToListAsync(cancellationToken);
        var feedback = await db.Feedback.AsNoTracking()
            .Where(f => f.ProjectId == projectId && f.TraceId == traceId)
            .OrderBy(f => f.Id)
            .Select(f => new FeedbackView(f.Id, f.Kind, f.Value, f.Comment, f.UserId, f.RequestId, f.CreatedAt))
            .ToListAsync(cancellationToken);

        var spanIds = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        return new TraceDetail
        {
            TraceId = trace.TraceId,
            Name = trace.Name,
            SessionId = trace.SessionId,
            UserId = trace.UserId,
            Environment = trace.Environment,
            Release = trace.Release,
            Version = trace.Version,
            Tags = DecodeTags(trace.TagsJson),
            Metadata = ColumnJson.DecodeElement(trace.MetadataJson),
            StartTime = UnixNanos.ToDateTimeOffset(trace.StartTimeUnixNano),
            EndTime = UnixNanos.ToDateTimeOffset(trace.EndTimeUnixNano),
            StartTimeUnixNano = trace.StartTimeUnixNano,
            EndTimeUnixNano = trace.EndTimeUnixNano,
            LatencyMs = trace.LatencyMs,
            Status = trace.Status,
            Input = trace.InputText,
            Output = trace.OutputText,
            Models = SplitModels(trace.Models),
            Tokens = new TokenTotals(
                trace.InputTokens,
                trace.OutputTokens,
                trace.CachedTokens,
                trace.ReasoningTokens,
                trace.TotalTokens),
            Cost = trace.Cost,
            SpanCount = trace.SpanCount,
            ErrorCount = trace.ErrorCount,
            RootMissing = trace.RootMissing,
            Spans = [.. spans.Select(s => ToDetail(s, spanIds))],
            Scores = scores,
            Feedback = feedback,
        };
    }

    private static IQueryable<TraceEntity> Filtered(LlmObserveDbContext db, string projectId, TraceFilter filter)
    {
        var query = db.Traces.AsNoTracking().Where(t => t.ProjectId == projectId);

        if (filter.TraceIds is { } traceIds)
        {
            query = query.Where(t => traceIds.Contains(t.TraceId));
        }

        if (filter.From is { } from)
        {
            var fromNanos = UnixNanos.FromDateTimeOffset(from);
            query = query.Where(t => t.StartTimeUnixNano >= fromNanos);
        }

        if (filter.To is { } to)
        {
            var toNanos = UnixNanos.FromDateTimeOffset(to);
            query = query.Where(t => t.StartTimeUnixNano < toNanos);
        }

        if (!string.IsNullOrEmpty(filter.Name))
        {
            query = query.Where(t => t.Name == filter.Name);
        }

        if (!string.IsNullOrEmpty(filter.SessionId))
        {
            query = query.Where(t => t.SessionId == filter.SessionId);
        }

        if (!string.IsNullOrEmpty(filter.UserId))
        {
            query = query.Where(t => t.UserId == filter.UserId);
        }

        if (!string.IsNullOrEmpty(filter.Model))
        {
            // The column is a comma list; fencing both sides with commas matches whole entries only.
            var needle = "," + filter.Model + ",";
            query = query.Where(t => ("," + t.Models!.Replace(", ", ",") + ",").Contains(needle));
        }

        if (!string.IsNullOrEmpty(filter.Tag))
        {
            // Tags are a JSON array written with the store's JSON dialect; the quoted form matches one element.
            var needle = JsonSerializer.Serialize(filter.Tag, StoreJson.Options);
            query = query.Where(t => t.TagsJson!.Contains(needle));
        }

        if (!string.IsNullOrEmpty(filter.Status))
        {
            query = query.Where(t => t.Status == filter.Status);
        }

        if (!string.IsNullOrEmpty(filter.Environment))
        {
            query = query.Where(t => t.Environment == filter.Environment);
        }

        if (!string.IsNullOrEmpty(filter.Release))
        {
            query = query.Where(t => t.Release == filter.Release);
        }

        if (filter.MinLatencyMs is { } minLatency)
        {
            query = query.Where(t => t.LatencyMs >= minLatency);
        }

        if (filter.MaxLatencyMs is { } maxLatency)
        {
            query = query.Where(t => t.LatencyMs <= maxLatency);
        }

        if (filter.MinCost is { } minCost)
        {
            query = query.Where(t => t.Cost >= minCost);
        }

        if (filter.MaxCost is { } maxCost)
        {
            query = query.Where(t => t.Cost <= maxCost);
        }

        if (!string.IsNullOrEmpty(filter.Search))
        {
            var pattern = "%" + EscapeLike(filter.Search) + "%";
            query = query.Where(t => EF.Functions.Like(t.InputText, pattern, LikeEscape.ToString())
                || EF.Functions.Like(t.OutputText, pattern, LikeEscape.ToString()));
        }

        return query;
    }

    private static string EscapeLike(string text)
        => text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);

    private static string[] DecodeTags(string? tagsJson) => ColumnJson.Decode<string[]>(tagsJson) ?? [];

    private static string[] SplitModels(string? models)
        => string.IsNullOrEmpty(models)
            ? []
            : models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static SpanDetail ToDetail(SpanEntity span, HashSet<string> spanIdsOfTrace) => new()
    {
        SpanId = span.SpanId,
        ParentSpanId = span.ParentSpanId,
        Orphan = span.ParentSpanId is { } parent && !spanIdsOfTrace.Contains(parent),
        Name = span.Name,
        Type = span.Type,
        Kind = span.Kind,
        StartTime = UnixNanos.ToDateTimeOffset(span.StartTimeUnixNano),
        EndTime = UnixNanos.ToDateTimeOffset(span.EndTimeUnixNano),
        StartTimeUnixNano = span.StartTimeUnixNano,
        EndTimeUnixNano = span.EndTimeUnixNano,
        DurationMs = (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1_000_000d,
        Status = span.Status,
        StatusMessage = span.StatusMessage,
        ErrorType = span.ErrorType,
        Model = span.Model,
        RequestModel = span.RequestModel,
        ResponseModel = span.ResponseModel,
        Provider = span.Provider,
        Parameters = ColumnJson.DecodeElement(span.ParametersJson),
        InputText = span.InputText,
        OutputText = span.OutputText,
        InputMessages = ColumnJson.Decode<ChatMessage[]>(span.InputMessagesJson),
        OutputMessages = ColumnJson.Decode<ChatMessage[]>(span.OutputMessagesJson),
        ToolDefinitions = ColumnJson.DecodeElement(span.ToolDefinitionsJson),
        Documents = ColumnJson.Decode<RetrievedDocument[]>(span.DocumentsJson),
        Tool = ColumnJson.Decode<ToolInvocation>(span.ToolJson),
        Usage = new SpanUsage(
            span.InputTokens,
            span.OutputTokens,
            span.CacheReadTokens,
            span.CacheWriteTokens,
            span.ReasoningTokens,
            span.TotalTokens,
            span.UsageEstimated),
        Cost = span.Cost,
        CostReported = span.CostReported,
        CostDetails = ColumnJson.DecodeElement(span.CostDetailsJson),
        SessionId = span.SessionId,
        UserId = span.UserId,
        Environment = span.Environment,
        Release = span.Release,
        Version = span.Version,
        Tags = ColumnJson.Decode<string[]>(span.TagsJson),
        Metadata = ColumnJson.DecodeElement(span.MetadataJson),
        FinishReasons = ColumnJson.Decode<string[]>(span.FinishReasonsJson),
        ResponseId = span.ResponseId,
        CompletionStartTime = span.CompletionStartUnixNano is { } first ? UnixNanos.ToDateTimeOffset(first) : null,
        Prompt = ColumnJson.Decode<PromptReference>(span.PromptJson),
        ServiceName = span.ServiceName,
        ScopeName = span.ScopeName,
        Attributes = ColumnJson.DecodeElement(span.AttributesJson),
        ResourceAttributes = ColumnJson.DecodeElement(span.ResourceAttributesJson),
        Events = ColumnJson.Decode<SpanEventRecord[]>(span.EventsJson) ?? [],
        Links = ColumnJson.Decode<SpanLinkRecord[]>(span.LinksJson) ?? [],
        Truncations = ColumnJson.Decode<TruncationNote[]>(span.TruncationsJson) ?? [],
    };
}
