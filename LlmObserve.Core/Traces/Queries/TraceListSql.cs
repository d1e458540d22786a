using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>
/// Builds the SQL of the trace list: the filter as a WHERE clause, the order and the keyset condition that resumes
/// after a cursor. Written by hand rather than through LINQ so each filter maps to the index it was made for, the
/// full-text index can join in, and an export can stream the very same rows through a data reader.
/// </summary>
internal sealed class TraceListSql
{
    /// <summary>Columns every list query reads, in the order <see cref="TraceQueries"/> maps them.</summary>
    public const string SummaryColumns = """
        t."TraceId", t."Name", t."SessionId", t."UserId", t."Environment", t."Release", t."Version", t."TagsJson",
        t."StartTimeUnixNano", t."EndTimeUnixNano", t."LatencyMs", t."Status", t."Models", t."InputTokens",
        t."OutputTokens", t."CachedTokens", t."ReasoningTokens", t."TotalTokens", t."Cost", t."SpanCount",
        t."ErrorCount", t."RootMissing", EXISTS (SELECT 1 FROM "Spans" es
            WHERE es."ProjectId" = t."ProjectId" AND es."TraceId" = t."TraceId" AND es."UsageEstimated" = 1
                AND es."Type" IN ('generation', 'embedding'))
        """;

    private readonly StringBuilder _where = new();
    private readonly List<SqliteParameter> _parameters = [];
    private string _storedAfterRange = string.Empty;

    /// <param name="projectId">The project every row belongs to.</param>
    /// <param name="filter">What to list.</param>
    /// <param name="plan">
    /// Which of the search, model, tag and score filters match few traces
    /// (<see cref="TraceQueries.RareSearchMatches"/>). The query starts from the matches of the first rare one and
    /// sorts them; a common one is checked on each trace while walking the sort index, which finds a page long before
    /// reading all its matches.
    /// </param>
    /// <param name="sort">
    /// The order the rows are read in. Sorting by a score joins the trace's <c>TraceScores</c> row of the filter's
    /// score name as <c>ts</c>; unless another filter drives, the query then walks that name's traces in order of
    /// their mean.
    /// </param>
    public TraceListSql(string projectId, TraceFilter filter, TraceListPlan plan = default, TraceSort sort = default)
    {
        Add("t.\"ProjectId\" = {0}", projectId);

        if (filter.TraceIds is { } traceIds)
        {
            var names = traceIds.Select(id => Bind(id)).ToList();
            _where.Append(names.Count == 0 ? " AND 0" : $" AND t.\"TraceId\" IN ({string.Join(", ", names)})");
        }

        if (filter.From is { } from)
        {
            Add("t.\"StartTimeUnixNano\" >= {0}", UnixNanos.FromDateTimeOffset(from));
        }

        if (filter.To is { } to)
        {
            Add("t.\"StartTimeUnixNano\" < {0}", UnixNanos.FromDateTimeOffset(to));
        }

        AddEquals("Name", filter.Name);
        AddEquals("SessionId", filter.SessionId);
        AddEquals("UserId", filter.UserId);
        AddEquals("Status", filter.Status);
        AddEquals("Environment", filter.Environment);
        AddEquals("Release", filter.Release);

        if (!string.IsNullOrEmpty(filter.Model) && plan.RareModel)
        {
            Facet(projectId, TraceFacetKind.Model, filter.Model, drive: !plan.RareSearch);
        }
        else if (!string.IsNullOrEmpty(filter.Model))
        {
            // The column is a comma list; fencing both sides with commas matches whole entries only, and instr
            // rather than LIKE keeps % and _ in a model name literal.
            Add("instr(',' || replace(t.\"Models\", ', ', ',') || ',', ',' || {0} || ',') > 0", filter.Model);
        }

        if (filter.Tag is { Length: > 0 } rareTag && plan.RareTag)
        {
            Facet(projectId, TraceFacetKind.Tag, rareTag, drive: !plan.RareSearch && !plan.RareModel);
        }
        else if (filter.Tag is { Length: > 0 } tag)
        {
            // The span writer builds the tag array with SQLite's json_group_array, which escapes other characters
            // than .NET does (it keeps emoji and U+2028 as they are), so tags are compared decoded. A plain-text
            // probe first keeps a scan cheap: text without quotes, backslashes or control characters appears in
            // SQLite's JSON as it is, so a row without it cannot match.
            if (tag.All(c => c >= ' ' && c is not ('"' or '\\')))
            {
                Add("instr(t.\"TagsJson\", {0}) > 0", tag);
            }

            Add(
                """
                EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(t."TagsJson") THEN t."TagsJson" END) AS tag
                    WHERE tag.type = 'text' AND tag.value = {0})
                """,
                tag);
        }

        AddBound("LatencyMs", ">=", filter.MinLatencyMs);
        AddBound("LatencyMs", "<=", filter.MaxLatencyMs);
        AddBound("Cost", ">=", filter.MinCost);
        AddBound("Cost", "<=", filter.MaxCost);

        if (TraceSearchText.ToMatchQuery(filter.Search) is { } match)
        {
            if (plan.RareSearch)
            {
                // CROSS JOIN makes SQLite loop over the matches first and look each trace up by rowid.
                From = $"""
                    (SELECT rowid AS id FROM "TracesSearch" WHERE "TracesSearch" MATCH {Bind(match)}) AS m
                    CROSS JOIN "Traces" AS t ON t.rowid = m.id
                    """;
            }
            else
            {
                // Left out of the WHERE clause: asking the index about one row at a time costs a seek in each of its
                // segments per row, so the caller checks rows in sets (TraceQueries.SearchChunksAsync, MatchingRowIds).
                CommonSearch = Bind(match);
            }
        }

        if (filter.Feedback is { Length: > 0 } feedback)
        {
            // The feedback of one trace is a handful of rows, found through its (project, trace) index.
            var condition = TraceFeedbackFilter.Condition(feedback, "fb", Bind);
            _where.Append(
                CultureInfo.InvariantCulture,
                $" AND EXISTS (SELECT 1 FROM \"Feedback\" AS fb WHERE fb.\"ProjectId\" = t.\"ProjectId\" "
                + $"AND fb.\"TraceId\" = t.\"TraceId\" AND {condition})");
        }

        if (!string.IsNullOrEmpty(filter.ScoreName))
        {
            AddScore(projectId, filter, plan, sort.Key == TraceSortKey.Score);
        }
        else if (sort.Key == TraceSortKey.Score)
        {
            throw new ArgumentException("Sorting by a score needs the filter's score name.", nameof(sort));
        }
    }

    /// <summary>
    /// The bound MATCH expression of a full-text search that matches many traces, which <see cref="Where"/> leaves
    /// out; null when there is none (no search, or a rare one that <see cref="From"/> starts from).
    /// </summary>
    public string? CommonSearch { get; }

    /// <summary>
    /// The row ids of the traces that <see cref="CommonSearch"/> matches, as a subquery; with
    /// <see cref="StoredAfter"/> only those stored after its mark, which the index reads as a range.
    /// </summary>
    public string MatchingRowIds => $"""
        SELECT rowid AS rid FROM "TracesSearch" WHERE "TracesSearch" MATCH {CommonSearch}{_storedAfterRange}
        """;

    /// <summary>
    /// <see cref="Where"/> with the traces restricted to those <see cref="CommonSearch"/> matches, for queries that
    /// read every match anyway (counts, and lists in a score's order).
    /// </summary>
    public string WhereMatching => CommonSearch is null ? Where : $"{Where} AND t.rowid IN ({MatchingRowIds})";

    public IReadOnlyList<SqliteParameter> Parameters => _parameters;

    /// <summary>The FROM clause, naming the trace table <c>t</c>.</summary>
    public string From { get; private set; } = "\"Traces\" AS t";

    /// <summary>The WHERE clause (without the keyword) over the alias <c>t</c>.</summary>
    public string Where => _where.ToString();

    /// <summary>
    /// Restricts the list to the traces with a facet value (<c>TraceFacets</c>). Driving, the query starts from those
    /// traces (CROSS JOIN keeps SQLite from walking the sort index instead); otherwise they are a set each row is
    /// looked up in.
    /// </summary>
    private void Facet(string projectId, string kind, string value, bool drive)
    {
        var facets = $"""
            SELECT "TraceRowId" FROM "TraceFacets"
            WHERE "ProjectId" = {Bind(projectId)} AND "Kind" = {Bind(kind)} AND "Value" = {Bind(value)}
            """;
        if (drive)
        {
            From = $"""({facets}) AS f CROSS JOIN "Traces" AS t ON t.rowid = f."TraceRowId" """;
        }
        else
        {
            _where.Append(CultureInfo.InvariantCulture, $" AND t.rowid IN ({facets})");
        }
    }

    /// <summary>The column the list is ordered by for <paramref name="key"/>.</summary>
    public static string KeyColumn(TraceSortKey key) => key switch
    {
        TraceSortKey.Latency => "t.\"LatencyMs\"",
        TraceSortKey.Cost => "t.\"Cost\"",
        TraceSortKey.Tokens => "t.\"TotalTokens\"",
        TraceSortKey.Score => "ts.\"Mean\"",
        _ => "t.\"StartTimeUnixNano\"",
    };

    /// <summary>
    /// The trace id that breaks ties: the score's own copy when sorting by a score, so the order is its index's.
    /// </summary>
    public static string TieColumn(TraceSortKey key)
        => key == TraceSortKey.Score ? "ts.\"TraceId\"" : "t.\"TraceId\"";

    public static string OrderBy(TraceSort sort)
    {
        var direction = sort.Descending ? "DESC" : "ASC";
        return $"{KeyColumn(sort.Key)} {direction}, {TieColumn(sort.Key)} {direction}";
    }

    /// <summary>
    /// Adds the condition "after <paramref name="cursor"/> in its order". SQLite sorts NULL lowest, so a trace
    /// without a cost (or a numeric score) comes last when descending and first when ascending; the keyset follows
    /// the same rule.
    /// </summary>
    public void After(TraceCursor cursor)
    {
        var key = KeyColumn(cursor.Sort.Key);
        var tie = TieColumn(cursor.Sort.Key);
        var id = Bind(cursor.TraceId);
        var op = cursor.Sort.Descending ? "<" : ">";
        if (cursor.Key is null)
        {
            _where.Append(cursor.Sort.Descending
                ? $" AND ({key} IS NULL AND {tie} < {id})"
                : $" AND (({key} IS NULL AND {tie} > {id}) OR {key} IS NOT NULL)");
            return;
        }

        var value = Bind(cursor.Key);
        _where.Append(cursor.Sort.Descending && TraceSort.IsNullable(cursor.Sort.Key)
            ? $" AND (({key}, {tie}) {op} ({value}, {id}) OR {key} IS NULL)"
            : $" AND ({key}, {tie}) {op} ({value}, {id})");
    }

    /// <summary>Adds "first stored after the trace row <paramref name="rowId"/>"; row ids only grow.</summary>
    public void StoredAfter(long rowId)
    {
        var mark = Bind(rowId);
        _where.Append(CultureInfo.InvariantCulture, $" AND t.\"Id\" > {mark}");
        _storedAfterRange = $" AND rowid > {mark}";
    }

    /// <summary>
    /// The score filter. Its value bounds apply to the trace's mean (<c>TraceScores</c>), its label to the scores
    /// themselves. Sorting by the score joins the trace's summary row as <c>ts</c>: when no other filter drives, the
    /// query starts from that name's summaries, in the order of their index. Otherwise a rare score filter drives
    /// the query from its matches, and a common one is checked on each trace.
    /// </summary>
    /// <remarks>
    /// A check on each trace must look its summary up by key. Asked whether one exists within bounds, SQLite 3.53
    /// prefers the summaries' (name, mean) index, which covers the check, and reads every summary in the bounds for
    /// each trace: 1.5 s for a first page at 200,000 traces. So bounds are compared on the looked-up mean (a scalar
    /// subquery, or <c>+ts."Mean"</c> in a join), which no index can serve.
    /// </remarks>
    private void AddScore(string projectId, TraceFilter filter, TraceListPlan plan, bool sortByScore)
    {
        var name = Bind(filter.ScoreName!);
        var min = filter.MinScore is { } low ? Bind(low) : null;
        var max = filter.MaxScore is { } high ? Bind(high) : null;
        string Bounds(string mean) => (min, max) switch
        {
            (null, null) => string.Empty,
            (_, null) => $" AND {mean} >= {min}",
            (null, _) => $" AND {mean} <= {max}",
            _ => $" AND {mean} BETWEEN {min} AND {max}",
        };
        var label = filter.ScoreLabel is { Length: > 0 } l ? Bind(l) : null;
        var labelled = label is null
            ? string.Empty
            : $"""
                 AND EXISTS (SELECT 1 FROM "Scores" AS s WHERE s."ProjectId" = t."ProjectId"
                    AND s."TraceId" = t."TraceId" AND s."Name" = {name} AND s."Label" = {label})
                """;

        if (sortByScore)
        {
            if (plan.OtherDriver)
            {
                From += $"""
                     CROSS JOIN "TraceScores" AS ts
                        ON ts."ProjectId" = t."ProjectId" AND ts."TraceId" = t."TraceId" AND ts."Name" = {name}
                    """;
                _where.Append(Bounds("+ts.\"Mean\""));
            }
            else
            {
                // CROSS JOIN keeps SQLite on the summaries' index, which is already in the order asked for.
                From = "\"TraceScores\" AS ts CROSS JOIN \"Traces\" AS t ON t.rowid = ts.\"TraceRowId\"";
                _where.Append(CultureInfo.InvariantCulture, $" AND ts.\"ProjectId\" = {Bind(projectId)}");
                _where.Append(CultureInfo.InvariantCulture, $" AND ts.\"Name\" = {name}");
                _where.Append(Bounds("ts.\"Mean\""));
            }

            _where.Append(labelled);
            return;
        }

        var bounded = min is not null || max is not null;
        if (plan.RareScore && !plan.OtherDriver)
        {
            var project = Bind(projectId);
            From = label is null
                ? $"""
                    (SELECT ts."TraceRowId" FROM "TraceScores" AS ts
                        WHERE ts."ProjectId" = {project} AND ts."Name" = {name}{Bounds("ts.\"Mean\"")}) AS sc
                    CROSS JOIN "Traces" AS t ON t.rowid = sc."TraceRowId"
                    """
                : $"""
                    (SELECT DISTINCT "TraceId" FROM "Scores"
                        WHERE "ProjectId" = {project} AND "Name" = {name} AND "Label" = {label}) AS sc
                    CROSS JOIN "Traces" AS t ON t."ProjectId" = {project} AND t."TraceId" = sc."TraceId"
                    """;
            if (label is not null && bounded)
            {
                AppendMeanCheck(name, Bounds);
            }

            return;
        }

        if (bounded)
        {
            AppendMeanCheck(name, Bounds);
        }
        else if (label is null)
        {
            _where.Append(CultureInfo.InvariantCulture, $"""
                 AND EXISTS (SELECT 1 FROM "TraceScores" AS ts
                    WHERE ts."ProjectId" = t."ProjectId" AND ts."TraceId" = t."TraceId" AND ts."Name" = {name})
                """);
        }

        _where.Append(labelled);
    }

    /// <summary>The trace's mean of the score, looked up by key, within the bounds.</summary>
    private void AppendMeanCheck(string name, Func<string, string> bounds)
        => _where.Append(bounds($"""
            (SELECT ts."Mean" FROM "TraceScores" AS ts
                WHERE ts."ProjectId" = t."ProjectId" AND ts."TraceId" = t."TraceId" AND ts."Name" = {name})
            """));

    public void ApplyTo(SqliteCommand command)
    {
        foreach (var parameter in _parameters)
        {
            command.Parameters.Add(parameter);
        }
    }

    private string Bind(object value)
    {
        var name = "$p" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new SqliteParameter(name, value));
        return name;
    }

    private void Add(string condition, object value)
    {
        if (_where.Length > 0)
        {
            _where.Append(" AND ");
        }

        _where.Append(string.Format(CultureInfo.InvariantCulture, condition, Bind(value)));
    }

    private void AddEquals(string column, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Add($"t.\"{column}\" = {{0}}", value);
        }
    }

    private void AddBound(string column, string op, double? value)
    {
        if (value is { } bound)
        {
            Add($"t.\"{column}\" {op} {{0}}", bound);
        }
    }
}
