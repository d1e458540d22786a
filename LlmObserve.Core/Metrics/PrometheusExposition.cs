using System.Globalization;
using System.Text;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Metrics;

/// <summary>
/// Writes a project's all-time rollups in the Prometheus text exposition format (version 0.0.4): counters of
/// traces, errors, model calls, tokens and cost, and latency histograms, labelled by project, environment and model.
/// </summary>
/// <remarks>
/// Series are cumulative since the store began, as Prometheus counters must be; <c>rate()</c> and <c>increase()</c>
/// give them over time. Families named <c>llmobserve_traces_*</c> count each trace once; <c>llmobserve_requests_*</c>
/// count it once per model it called (label <c>model</c>), so a two-model trace shows under both models.
/// A span that arrives late can move a trace to a higher latency bin, so a lower bin's count may, rarely, go down.
/// </remarks>
public sealed class PrometheusExposition(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    /// <summary>The content type of the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Bucket bounds in seconds for the exported histograms; each is an edge of LatencyBins.
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
        Counter(text, "llmobserve_traces_total", "Traces received.", traces, r => r.Requests, withModel: false);
        Counter(text, "llmobserve_trace_errors_total", "Traces with a failed span.", traces, r => r.Errors, false);
        Histogram(
            text, "llmobserve_trace_duration_seconds", "Trace latency, first span start to last span end.",
            traces, withModel: false);
        Counter(
            text, "llmobserve_requests_total", "Traces that called the model.", models, r => r.Requests, true);
        Counter(
            text, "llmobserve_request_errors_total", "Traces that called the model and failed.", models,
            r => r.Errors, true);
        Histogram(
            text, "llmobserve_request_duration_seconds", "Latency of the traces that called the model.",
            models, withModel: true);
        Counter(
            text, "llmobserve_model_calls_total", "Generation and embedding spans.", models, r => r.ModelCalls, true);
        Counter(
            text, "llmobserve_unpriced_calls_total", "Model calls with usage but no reported cost and no price.",
            models, r => r.UnpricedCalls, true);
        Tokens(text, models);
        CostCounter(text, models);

        await writer.WriteAsync(text, cancellationToken);
    }

    private static void Header(StringBuilder text, string name, string help, string type)
        => text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Counter(
        StringBuilder text,
        string name,
        string help,
        IEnumerable<Row> rows,
        Func<Row, long> value,
        bool withModel)
    {
        Header(text, name, help, "counter");
        foreach (var row in rows)
        {
            Sample(text, name, Labels(row, withModel), value(row).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Tokens(StringBuilder text, IEnumerable<Row> rows)
    {
        const string name = "llmobserve_tokens_total";
        const string help = "Tokens of model calls, inclusive: cached is part of input, reasoning of output.";
        Header(text, name, help, "counter");
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

    private static void CostCounter(StringBuilder text, IEnumerable<Row> rows)
    {
        const string name = "llmobserve_cost_usd_total";
        const string help = "Cost of model calls in US dollars, reported or priced; unpriced calls add nothing.";
        Header(text, name, help, "counter");
        foreach (var row in rows)
        {
            Sample(
                text,
                name,
                Labels(row, withModel: true),
                OverviewQueries.ToUsd(row.CostNanoUsd).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Histogram(
        StringBuilder text,
        string name,
        string help,
        IEnumerable<Row> rows,
        bool withModel)
    {
        Header(text, name, help, "histogram");
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
                    name + "_bucket",
                    labels + ",le=\"" + bound.ToString(CultureInfo.InvariantCulture) + "\"",
                    cumulative.ToString(CultureInfo.InvariantCulture));
            }

            var count = row.Requests.ToString(CultureInfo.InvariantCulture);
            Sample(text, name + "_bucket", labels + ",le=\"+Inf\"", count);
            Sample(
                text,
                name + "_sum",
                labels,
                (row.LatencySumMicros / 1e6).ToString("R", CultureInfo.InvariantCulture));
            Sample(text, name + "_count", labels, count);
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, string value)
        => text.Append(name).Append('{').Append(labels).Append("} ").Append(value).Append('\n');

    private static string Labels(Row row, bool withModel)
    {
        var labels = "project=\"" + Escape(row.ProjectId) + "\",environment=\"" + Escape(row.Environment) + "\"";
        return withModel ? labels + ",model=\"" + Escape(row.Model) + "\"" : labels;
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
            WHERE "ProjectId" = $project AND "Resolution" = 0 AND "BucketStart" = 0 AND "Requests" > 0
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
