using System.Globalization;
using System.Runtime.CompilerServices;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// The read side of traces: the filtered, sorted list with keyset pages, its count and export, and one trace in full.
/// Every query is scoped by project.
/// </summary>
/// <param name="dbFactory">The store.</param>
/// <param name="rareSearchMatches">
/// The plan threshold of search, model and tag filters, <see cref="RareSearchMatches"/> unless a test wants to force
/// one plan.
/// </param>
public sealed class TraceQueries(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    int rareSearchMatches = TraceQueries.RareSearchMatches)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Characters of input and output a list row carries; the full text is on the trace.</summary>
    public const int PreviewChars = 300;

    /// <summary>The first chunk of a common search's list (see <see cref="SearchChunksAsync"/>), at least.</summary>
    private const int MinSearchChunk = 256;

    /// <summary>The first chunk of a common search's export.</summary>
    private const int ExportSearchChunk = 2_048;

    /// <summary>The largest chunk a common search reads at once.</summary>
    private const int MaxSearchChunk = 16_384;

    /// <summary>
    /// Where a list sorted by a score reads that score's mean: after <see cref="TraceListSql.SummaryColumns"/> (23)
    /// and the two previews.
    /// </summary>
    private const int ScoreKeyColumn = 25;

    /// <summary>In the columns of <see cref="SearchChunksAsync"/>: whether the search matches the row.</summary>
    private const string SearchHit = "h.rid IS NOT NULL";

    /// <summary>
    /// Below this many matches (full-text, or facet rows of a model or tag) a list starts from its matches; from it
    /// on, from the sort order. Walking the order costs about (page size × store size ÷ matches) checks and starting
    /// from the matches costs one lookup each, so they cross near the square root of 50 × store size × the relative
    /// cost of a check; twenty thousand suits a store of a million traces (bench/README.md, explore).
    /// </summary>
    public const int RareSearchMatches = 20_000;

    /// <summary>The facet rows of one model or tag, counted to choose the plan.</summary>
    private const string FacetRows = """
        SELECT 1 FROM "TraceFacets" WHERE "ProjectId" = $project AND "Kind" = $kind AND "Value" = $value
        """;

    /// <summary>The project pages show until accounts exist: the first one created.</summary>
    public async Task<string?> FirstProjectIdAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Projects
            .Where(p => p.DeletedAt == null)
            .OrderBy(p => p.CreatedAt)
            .Select(p => p.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Traces of <paramref name="projectId"/> matching <paramref name="filter"/> in the order of
    /// <paramref name="sort"/>, starting after <paramref name="after"/> (which must have been made for the same
    /// sort). The limit is clamped to 1…<see cref="MaxLimit"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The cursor belongs to another sort.</exception>
    public async Task<TracePage> ListAsync(
        string projectId,
        TraceFilter filter,
        TraceSort sort,
        TraceCursor? after,
        int limit,
        CancellationToken cancellationToken)
    {
        if (after is not null && after.Sort != sort)
        {
            throw new ArgumentException("The cursor was made for another sort.", nameof(after));
        }

        limit = Math.Clamp(limit, 1, MaxLimit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanAsync(db, projectId, filter, sort, cancellationToken);
        var sql = new TraceListSql(projectId, filter, plan, sort);
        var byScore = sort.Key == TraceSortKey.Score;
        var columns = $"""
            {TraceListSql.SummaryColumns},
            substr(t."InputText", 1, {PreviewChars}), substr(t."OutputText", 1, {PreviewChars})
            """;

        // One row beyond the page tells whether another page exists without a second query. Sorted by a score, the
        // row also carries that score's mean, which its cursor resumes from.
        var rows = new List<TraceSummary>(limit + 1);
        var scoreKeys = new List<double?>(limit + 1);
        if (sql.CommonSearch is not null && !byScore)
        {
            var firstChunk = Math.Max(MinSearchChunk, 4 * (limit + 1));
            await foreach (var row in SearchChunksAsync(
                db, projectId, filter, plan, sort, after, columns, firstChunk, ReadSummary, r => r, cancellationToken))
            {
                rows.Add(row);
                scoreKeys.Add(null);
                if (rows.Count > limit)
                {
                    break;
                }
            }
        }
        else
        {
            if (after is not null)
            {
                sql.After(after);
            }

            // Sorted by a score, a common search is read as the set of its matches (WhereMatching): the chunks
            // follow row ids, which a score's order does not.
            await using var command = await CreateCommandAsync(db, sql, cancellationToken);
            command.CommandText = $"""
                SELECT {columns}
                    {(byScore ? ", ts.\"Mean\"" : string.Empty)}
                FROM {sql.From}
                WHERE {sql.WhereMatching}
                ORDER BY {TraceListSql.OrderBy(sort)}
                LIMIT {limit + 1}
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ReadSummary(reader));
                scoreKeys.Add(byScore && !reader.IsDBNull(ScoreKeyColumn) ? reader.GetDouble(ScoreKeyColumn) : null);
            }
        }

        var hasMore = rows.Count > limit;
        var page = await WithScoresAsync(db, projectId, rows.Take(limit).ToList(), cancellationToken);
        var next = hasMore ? CursorAfter(page[^1], sort, scoreKeys[limit - 1]).Encode() : null;
        return new TracePage(page, next);
    }

    /// <summary>
    /// How many traces match <paramref name="filter"/>, counted up to <paramref name="cap"/> so a count over a
    /// large store stays quick; <see cref="TraceCount.Capped"/> says there are more.
    /// </summary>
    public async Task<TraceCount> CountAsync(
        string projectId,
        TraceFilter filter,
        int cap,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sql = new TraceListSql(projectId, filter, await PlanAsync(db, projectId, filter, null, cancellationToken));
        await using var command = await CreateCommandAsync(db, sql, cancellationToken);
        command.CommandText = $"""
            SELECT count(*) FROM (SELECT 1 FROM {sql.From} WHERE {sql.WhereMatching} LIMIT {cap + 1})
            """;
        var count = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new TraceCount(Math.Min(count, cap), count > cap);
    }

    /// <summary>
    /// A mark of the traces stored so far, of any project: a trace stored later has a greater row id, whatever its
    /// start time. Pass it to <see cref="CountArrivedSinceAsync"/>.
    /// </summary>
    public async Task<long> LatestArrivalAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Traces.MaxAsync(t => (long?)t.Id, cancellationToken) ?? 0;
    }

    /// <summary>
    /// How many traces matching <paramref name="filter"/> were first stored after <paramref name="arrivalMark"/>
    /// (from <see cref="LatestArrivalAsync"/>), counted up to <paramref name="cap"/>. Arrival, not start time,
    /// makes a trace new: a list sorted by latency or cost has no "newest row" to compare with, and a trace with an
    /// early start (a skewed clock, a late export) is new all the same.
    /// </summary>
    public async Task<int> CountArrivedSinceAsync(
        string projectId,
        TraceFilter filter,
        long arrivalMark,
        int cap,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sql = new TraceListSql(projectId, filter, await PlanAsync(db, projectId, filter, null, cancellationToken));
        sql.StoredAfter(arrivalMark);

        await using var command = await CreateCommandAsync(db, sql, cancellationToken);
        command.CommandText = $"""
            SELECT count(*) FROM (SELECT 1 FROM {sql.From} WHERE {sql.WhereMatching} LIMIT {cap})
            """;
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every trace matching <paramref name="filter"/> in the order of <paramref name="sort"/>, with its full input
    /// and output, read one row at a time as the caller consumes them: nothing holds the whole result.
    /// </summary>
    public async IAsyncEnumerable<TraceExportRow> ExportAsync(
        string projectId,
        TraceFilter filter,
        TraceSort sort,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanAsync(db, projectId, filter, sort, cancellationToken);
        var sql = new TraceListSql(projectId, filter, plan, sort);
        if (sql.CommonSearch is not null && sort.Key != TraceSortKey.Score)
        {
            // A trace the search does not match is read without its texts: the chunk only needs its sort key.
            const string columns = $"""
                {TraceListSql.SummaryColumns},
                CASE WHEN {SearchHit} THEN t."InputText" END, CASE WHEN {SearchHit} THEN t."OutputText" END
                """;
            await foreach (var row in SearchChunksAsync(
                db, projectId, filter, plan, sort, null, columns, ExportSearchChunk, ReadExportRow, r => r.Summary,
                cancellationToken))
            {
                yield return row;
            }

            yield break;
        }

        await using var command = await CreateCommandAsync(db, sql, cancellationToken);
        command.CommandText = $"""
            SELECT {TraceListSql.SummaryColumns}, t."InputText", t."OutputText"
            FROM {sql.From}
            WHERE {sql.WhereMatching}
            ORDER BY {TraceListSql.OrderBy(sort)}
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadExportRow(reader);
        }
    }

    /// <summary>
    /// The traces of a list whose full-text search matches many of them, in the list's order, each read with
    /// <paramref name="read"/> from <paramref name="columns"/> (over <c>t</c>; <see cref="SearchHit"/> says whether
    /// the search matches the row). Asking the index about one row at a time costs a seek in each of its segments per
    /// row, about a millisecond at 200,000 traces. Instead the sort order is read in chunks and each chunk asks the
    /// index once, for the matches between its lowest and highest row id. Row ids grow with arrival, so in the usual
    /// newest-first order a chunk is a narrow range; in another order the range is wide and the index runs through
    /// all its matches, keeping those of the chunk (the unary plus keeps SQLite from turning that IN into one seek
    /// per row, which is the cost this avoids). A chunk doubles, up to <see cref="MaxSearchChunk"/>, while the reader
    /// wants more.
    /// </summary>
    private static async IAsyncEnumerable<T> SearchChunksAsync<T>(
        LlmObserveDbContext db,
        string projectId,
        TraceFilter filter,
        TraceListPlan plan,
        TraceSort sort,
        TraceCursor? after,
        string columns,
        int firstChunk,
        Func<SqliteDataReader, T> read,
        Func<T, TraceSummary> summaryOf,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = firstChunk;
        var position = after;
        var order = TraceListSql.OrderBy(sort);
        while (true)
        {
            var sql = new TraceListSql(projectId, filter, plan, sort);
            if (position is not null)
            {
                sql.After(position);
            }

            await using var command = await CreateCommandAsync(db, sql, cancellationToken);
            command.CommandText = $"""
                WITH chunk AS MATERIALIZED (
                    SELECT t.rowid AS rid FROM {sql.From} WHERE {sql.Where} ORDER BY {order} LIMIT {chunk}),
                hit AS MATERIALIZED (
                    {sql.MatchingRowIds}
                    AND rowid BETWEEN (SELECT min(rid) FROM chunk) AND (SELECT max(rid) FROM chunk)
                    AND +rowid IN (SELECT rid FROM chunk))
                SELECT {columns}, {SearchHit}
                FROM chunk CROSS JOIN "Traces" AS t ON t.rowid = chunk.rid LEFT JOIN hit AS h ON h.rid = chunk.rid
                ORDER BY {order}
                """;
            var rows = 0;
            TraceSummary? last = null;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                var hitColumn = reader.FieldCount - 1;
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    var item = read(reader);
                    last = summaryOf(item);
                    if (reader.GetBoolean(hitColumn))
                    {
                        yield return item;
                    }
                }
            }

            if (rows < chunk || last is null)
            {
                yield break;
            }

            position = CursorAfter(last, sort, scoreKey: null);
            chunk = Math.Min(chunk * 2, MaxSearchChunk);
        }
    }

    private static TraceExportRow ReadExportRow(SqliteDataReader reader)
    {
        var row = ReadSummary(reader);
        return new TraceExportRow(
            row with { InputPreview = null, OutputPreview = null },
            row.InputPreview,
            row.OutputPreview);
    }

    /// <summary>One trace of the project with its spans (by start), scores and feedback; null when unknown.</summary>
    public Task<TraceDetail?> GetAsync(string projectId, string traceId, CancellationToken cancellationToken)
        => LoadTraceAsync(
            projectId,
            traceId,
            (db, token) => db.Spans.AsNoTracking()
                .Where(s => s.ProjectId == projectId && s.TraceId == traceId)
                .OrderBy(s => s.StartTimeUnixNano)
                .ThenBy(s => s.Id)
                .ToListAsync(token),
            cancellationToken);

    /// <summary>
    /// A trace's header, scores and feedback, and its spans by start as <paramref name="loadSpans"/> reads them, so
    /// a caller can leave columns out.
    /// </summary>
    internal async Task<TraceDetail?> LoadTraceAsync(
        string projectId,
        string traceId,
        Func<LlmObserveDbContext, CancellationToken, Task<List<SpanEntity>>> loadSpans,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var trace = await db.Traces.AsNoTracking()
            .FirstOrDefaultAsync(t => t.ProjectId == projectId && t.TraceId == traceId, cancellationToken);
        if (trace is null)
        {
            return null;
        }

        var spans = await loadSpans(db, cancellationToken);
        var estimated = await db.Spans.AnyAsync(
            s => s.ProjectId == projectId && s.TraceId == traceId && s.UsageEstimated
                && (s.Type == SpanType.Generation || s.Type == SpanType.Embedding),
            cancellationToken);
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
            .Select(f => new FeedbackView(
                f.Id,
                f.Kind,
                f.Value,
                f.Comment,
                f.UserId,
                f.RequestId,
                f.CreatedAt,
                f.Source,
                f.Inference))
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
            TokensEstimated = estimated,
            Cost = trace.Cost,
            SpanCount = trace.SpanCount,
            ErrorCount = trace.ErrorCount,
            RootMissing = trace.RootMissing,
            Spans = [.. spans.Select(s => ToDetail(s, spanIds))],
            Scores = scores,
            Feedback = feedback,
        };
    }

    private static async Task<SqliteCommand> CreateCommandAsync(
        LlmObserveDbContext db,
        TraceListSql sql,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        sql.ApplyTo(command);
        return command;
    }

    /// <summary>
    /// Which of the search, model, tag and score filters match fewer than the threshold of traces (the search counted
    /// over every project, the others over the list's). A list sorted by score needs no count for its score filter:
    /// it starts from the score's summaries anyway.
    /// </summary>
    private async Task<TraceListPlan> PlanAsync(
        LlmObserveDbContext db,
        string projectId,
        TraceFilter filter,
        TraceSort? sort,
        CancellationToken cancellationToken)
    {
        var search = TraceSearchText.ToMatchQuery(filter.Search);
        var model = filter.Model is { Length: > 0 } m && TraceFacetKind.Answers(TraceFacetKind.Model, m) ? m : null;
        var tag = filter.Tag is { Length: > 0 } g && TraceFacetKind.Answers(TraceFacetKind.Tag, g) ? g : null;
        var score = !string.IsNullOrEmpty(filter.ScoreName) && sort?.Key != TraceSortKey.Score;
        if (search is null && model is null && tag is null && !score)
        {
            return default;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var rareSearch = search is not null && await IsRareAsync(
            connection,
            """SELECT 1 FROM "TracesSearch" WHERE "TracesSearch" MATCH $value""",
            null,
            null,
            search,
            cancellationToken);
        var rareModel = model is not null && await IsRareAsync(
            connection, FacetRows, projectId, TraceFacetKind.Model, model, cancellationToken);
        var rareTag = tag is not null && await IsRareAsync(
            connection, FacetRows, projectId, TraceFacetKind.Tag, tag, cancellationToken);
        var rareScore = score && !(rareSearch || rareModel || rareTag)
            && await IsScoreRareAsync(connection, projectId, filter, cancellationToken);
        return new TraceListPlan(rareSearch, rareModel, rareTag, rareScore);
    }

    /// <summary>
    /// Whether the score filter matches fewer than the threshold: its traces' summaries within the bounds, or, with
    /// a label, the scores carrying it, counted through their indexes no further than the threshold.
    /// </summary>
    private async Task<bool> IsScoreRareAsync(
        SqliteConnection connection,
        string projectId,
        TraceFilter filter,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var rows = filter.ScoreLabel is { Length: > 0 } label
            ? """SELECT 1 FROM "Scores" WHERE "ProjectId" = $project AND "Name" = $name AND "Label" = $label"""
            : """SELECT 1 FROM "TraceScores" WHERE "ProjectId" = $project AND "Name" = $name"""
                + (filter.MinScore is null ? string.Empty : """ AND "Mean" >= $min""")
                + (filter.MaxScore is null ? string.Empty : """ AND "Mean" <= $max""");
        command.CommandText = $"SELECT count(*) FROM ({rows} LIMIT {rareSearchMatches})";
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$name", filter.ScoreName);
        command.Parameters.AddWithValue("$label", filter.ScoreLabel ?? string.Empty);
        command.Parameters.AddWithValue("$min", filter.MinScore ?? 0);
        command.Parameters.AddWithValue("$max", filter.MaxScore ?? 0);
        var matches = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(matches, CultureInfo.InvariantCulture) < rareSearchMatches;
    }

    /// <summary>The rows with their score summaries, read for the page's traces only.</summary>
    private static async Task<List<TraceSummary>> WithScoresAsync(
        LlmObserveDbContext db,
        string projectId,
        List<TraceSummary> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return rows;
        }

        await using var command = ((SqliteConnection)db.Database.GetDbConnection()).CreateCommand();
        var names = new List<string>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var name = "$t" + i.ToString(CultureInfo.InvariantCulture);
            command.Parameters.AddWithValue(name, rows[i].TraceId);
            names.Add(name);
        }

        command.Parameters.AddWithValue("$project", projectId);
        command.CommandText = $"""
            SELECT "TraceId", "Name", "Count", "Mean", "LabelsJson" FROM "TraceScores"
            WHERE "ProjectId" = $project AND "TraceId" IN ({string.Join(", ", names)})
            ORDER BY "TraceId", "Name"
            """;
        var byTrace = new Dictionary<string, List<ScoreSummary>>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var traceId = reader.GetString(0);
                if (!byTrace.TryGetValue(traceId, out var scores))
                {
                    byTrace[traceId] = scores = [];
                }

                scores.Add(new ScoreSummary(
                    reader.GetString(1),
                    reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetDouble(3),
                    ColumnJson.Decode<string[]>(NullableString(reader, 4)) ?? []));
            }
        }

        return byTrace.Count == 0
            ? rows
            : [.. rows.Select(r => byTrace.TryGetValue(r.TraceId, out var scores) ? r with { Scores = scores } : r)];
    }

    /// <summary>Whether <paramref name="rows"/> has fewer rows than the threshold, counted no further.</summary>
    private async Task<bool> IsRareAsync(
        SqliteConnection connection,
        string rows,
        string? projectId,
        string? kind,
        string value,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM ({rows} LIMIT {rareSearchMatches})";
        command.Parameters.AddWithValue("$value", value);
        if (projectId is not null)
        {
            command.Parameters.AddWithValue("$project", projectId);
            command.Parameters.AddWithValue("$kind", kind);
        }

        var matches = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(matches, CultureInfo.InvariantCulture) < rareSearchMatches;
    }

    private static TraceCursor CursorAfter(TraceSummary row, TraceSort sort, double? scoreKey) => new(
        sort,
        sort.Key switch
        {
            TraceSortKey.Latency => row.LatencyMs,
            TraceSortKey.Cost => row.Cost,
            TraceSortKey.Tokens => row.Tokens.Total,
            TraceSortKey.Score => scoreKey,
            _ => (object)row.StartTimeUnixNano,
        },
        row.TraceId);

    /// <summary>Maps <see cref="TraceListSql.SummaryColumns"/> followed by the input and output texts.</summary>
    private static TraceSummary ReadSummary(SqliteDataReader r) => new()
    {
        TraceId = r.GetString(0),
        Name = NullableString(r, 1),
        SessionId = NullableString(r, 2),
        UserId = NullableString(r, 3),
        Environment = NullableString(r, 4),
        Release = NullableString(r, 5),
        Version = NullableString(r, 6),
        Tags = DecodeTags(NullableString(r, 7)),
        StartTimeUnixNano = r.GetInt64(8),
        StartTime = UnixNanos.ToDateTimeOffset(r.GetInt64(8)),
        EndTime = UnixNanos.ToDateTimeOffset(r.GetInt64(9)),
        LatencyMs = r.GetDouble(10),
        Status = r.GetString(11),
        Models = SplitModels(NullableString(r, 12)),
        Tokens = new TokenTotals(r.GetInt64(13), r.GetInt64(14), r.GetInt64(15), r.GetInt64(16), r.GetInt64(17)),
        Cost = r.IsDBNull(18) ? null : r.GetDouble(18),
        SpanCount = r.GetInt32(19),
        ErrorCount = r.GetInt32(20),
        RootMissing = r.GetBoolean(21),
        TokensEstimated = r.GetBoolean(22),
        InputPreview = NullableString(r, 23),
        OutputPreview = NullableString(r, 24),
    };

    private static string? NullableString(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

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
        Redactions = ColumnJson.Decode<Dictionary<string, int>>(span.RedactionsJson) ?? [],
    };
}
