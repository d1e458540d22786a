using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Metrics;

/// <summary>
/// Writes a project's all-time rollups in the Prometheus text exposition format (version 0.0.4): gauges of traces,
/// errors, model calls, tokens and cost, and cumulative latency buckets, labelled by project, environment and model.
/// </summary>
/// <remarks>
/// Every family is a gauge holding the current, corrected total since the store began, not a counter: when more
/// spans of a trace arrive, its earlier share is taken back (it may move to another latency bucket, environment or
/// status), so a total can go down, which a counter must never do. Query them with <c>delta()</c> or
/// <c>idelta()</c>, never <c>rate()</c> or <c>increase()</c>, which would read a decrease as a counter reset.
/// Latency is exported the same way: gauges with an <c>le</c> label, cumulative like a histogram's buckets, which
/// <c>histogram_quantile</c> reads once their deltas are taken. A series whose total fell to zero stays, at 0, so
/// the fall is seen. Families named <c>llmobserve_traces…</c> count each trace once; <c>llmobserve_requests…</c>
/// count it once per model it called (label <c>model</c>), so a two-model trace shows under both models. A trace
/// that named no environment, or a call that named no model, is labelled <see cref="MetricLabels.None"/>.
/// <para>
/// No series vanishes once exposed: rollup rows are never deleted, so every family but cost has each label set for
/// good. Cost leaves out a label set only while every call counted in it is unpriced (unknown, not $0); once it has
/// shown a cost it stays, at 0 if its calls are taken back or only unpriced ones remain, as Prometheus expects of a
/// series that has existed. The label sets already exposed are remembered by this instance, as a client library
/// remembers its series: after a restart, a label set left with no priced call is absent again, as after any
/// restart of a target.
/// </para>
/// </remarks>
public sealed class PrometheusExposition(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    // Cost label sets exposed so far; they keep being exposed whatever their calls become.
    private readonly ConcurrentDictionary<string, bool> _costSeries = new(StringComparer.Ordinal);

    /// <summary>The content type of the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Bucket bounds in seconds for the exported latency buckets; each is an edge of LatencyBins.
    private static readonly double[] BoundsSeconds =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250];

    /// <summary>Writes the series of <paramref name="projectId"/>.</summary>
    public async Task WriteAsync(TextWriter writer, string projectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();

        var rows = await ReadRowsAsync(connection, projectId, cancellationToken);
        var traces = rows.Where(r => r.Model == MetricRollup.AllModels).ToList();
        var models = rows.Where(r => r.Model != MetricRollup.AllModels).ToList();

        var text = new StringBuilder();
        Gauge(text, "llmobserve_traces", "Traces received.", traces, r => r.Requests, withModel: false);
        Gauge(text, "llmobserve_trace_errors", "Traces with a failed span.", traces, r => r.Errors, false);
        Latency(
            text,
            "llmobserve_traces_within_seconds",
            "llmobserve_trace_seconds",
            "traces",
            traces,
            withModel: false);
        Gauge(text, "llmobserve_requests", "Traces that called the model.", models, r => r.Requests, true);
        Gauge(
            text, "llmobserve_request_errors", "Traces that called the model and failed.", models,
            r => r.Errors, true);
        Latency(
            text,
            "llmobserve_requests_within_seconds",
            "llmobserve_request_seconds",
            "traces that called the model",
            models,
            withModel: true);
        Gauge(text, "llmobserve_model_calls", "Generation and embedding spans.", models, r => r.ModelCalls, true);
        Gauge(
            text, "llmobserve_unpriced_calls", "Model calls with usage but no reported cost and no price.",
            models, r => r.UnpricedCalls, true);
        Tokens(text, models);
        Cost(text, models);

        await writer.WriteAsync(text, cancellationToken);
    }

    private static void Header(StringBuilder text, string name, string help)
        => text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(" gauge\n");

    private static void Gauge(
        StringBuilder text,
        string name,
        string help,
        IEnumerable<Row> rows,
        Func<Row, long> value,
        bool withModel)
    {
        Header(text, name, help + " Current total since the store began; it drops when a trace is corrected.");
        foreach (var row in rows)
        {
            Sample(text, name, Labels(row, withModel), value(row).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Tokens(StringBuilder text, IEnumerable<Row> rows)
    {
        const string name = "llmobserve_tokens";
        Header(
            text,
            name,
            "Tokens of model calls, inclusive: cached is part of input, reasoning of output. Current total.");
        foreach (var row in rows)
        {
            var labels = Labels(row, withModel: true);
            foreach (var (kind, value) in new[]
                {
                    ("input", row.InputTokens), ("output", row.OutputTokens), ("cached", row.CachedTokens),
                    ("reasoning", row.ReasoningTokens),
                })
            {
                Sample(text, name, labels + ",kind=\"" + kind + "\"", value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private void Cost(StringBuilder text, IEnumerable<Row> rows)
    {
        const string name = "llmobserve_cost_usd";
        Header(
            text,
            name,
            "Cost of model calls in US dollars, reported or priced. Current total. Absent for a model none of whose "
                + "calls had a price: unpriced is never $0. Once shown, a series stays, at 0 when nothing priced "
                + "is left.");
        foreach (var row in rows)
        {
            var labels = Labels(row, withModel: true);

            // A label set with no priced call has no cost to show, not $0, until it has shown one.
            var priced = row.CostNanoUsd != 0 || row.ModelCalls > row.UnpricedCalls;
            if (!priced && !_costSeries.ContainsKey(labels))
            {
                continue;
            }

            _costSeries.TryAdd(labels, true);
            Sample(text, name, labels, OverviewQueries.ToUsd(row.CostNanoUsd).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Latency(
        StringBuilder text,
        string bucketName,
        string sumName,
        string what,
        IReadOnlyList<Row> rows,
        bool withModel)
    {
        Header(
            text,
            bucketName,
            $"Current number of {what} that took at most le seconds, first span start to last span end.");
        foreach (var row in rows)
        {
            var labels = Labels(row, withModel);
            var bins = new long[LatencyBins.Count];
            LatencyBins.AddEncoded(row.LatencyHistogram, bins);
            long cumulative = 0;
            var bin = 0;
            foreach (var bound in BoundsSeconds)
            {
                while (bin < LatencyBins.Count - 1 && LatencyBins.UpperEdgesMs[bin] <= (bound * 1000) + 1e-9)
                {
                    cumulative += bins[bin++];
                }

                Sample(
                    text,
                    bucketName,
                    labels + ",le=\"" + bound.ToString(CultureInfo.InvariantCulture) + "\"",
                    cumulative.ToString(CultureInfo.InvariantCulture));
            }

            Sample(text, bucketName, labels + ",le=\"+Inf\"", row.Requests.ToString(CultureInfo.InvariantCulture));
        }

        Header(text, sumName, $"Sum of the latencies of the {what}, in seconds. Current total.");
        foreach (var row in rows)
        {
            Sample(
                text,
                sumName,
                Labels(row, withModel),
                (row.LatencySumMicros / 1e6).ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, string value)
        => text.Append(name).Append('{').Append(labels).Append("} ").Append(value).Append('\n');

    private static string Labels(Row row, bool withModel)
    {
        var labels = "project=\"" + Escape(row.ProjectId) + "\",environment=\""
            + Escape(MetricLabels.Environment(row.Environment)) + "\"";
        return withModel ? labels + ",model=\"" + Escape(MetricLabels.Model(row.Model)) + "\"" : labels;
    }

    /// <summary>Label values escape backslash, double quote and line feed, as the text format requires.</summary>
    private static string Escape(string value)
        => value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    private static async Task<List<Row>> ReadRowsAsync(
        SqliteConnection connection,
        string projectId,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "ProjectId", "Environment", "Model", "Requests", "Errors", "LatencySumMicros", "InputTokens",
                "OutputTokens", "CachedTokens", "ReasoningTokens", "CostNanoUsd", "ModelCalls", "UnpricedCalls",
                "LatencyHistogram"
            FROM "MetricRollups"
            WHERE "ProjectId" = $project AND "Resolution" = 0 AND "BucketStart" = 0
            ORDER BY "Environment", "Model"
            """;
        command.Parameters.AddWithValue("$project", projectId);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12),
                reader.IsDBNull(13) ? null : reader.GetString(13)));
        }

        return rows;
    }

    private sealed record Row(
        string ProjectId,
        string Environment,
        string Model,
        long Requests,
        long Errors,
        long LatencySumMicros,
        long InputTokens,
        long OutputTokens,
        long CachedTokens,
        long ReasoningTokens,
        long CostNanoUsd,
        long ModelCalls,
        long UnpricedCalls,
        string? LatencyHistogram);
}
