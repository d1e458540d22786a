using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Web.Traces;

/// <summary>The formats the trace list exports to.</summary>
public enum TraceExportFormat
{
    Csv,
    Jsonl,
}

/// <summary>A trace as one JSONL line: the list row's fields with the full input and output.</summary>
public sealed record TraceExportLine(
    string TraceId,
    string? Name,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    double LatencyMs,
    string Status,
    string? SessionId,
    string? UserId,
    string? Environment,
    string? Release,
    string? Version,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Models,
    TokenTotals Tokens,
    double? Cost,
    int SpanCount,
    int ErrorCount,
    string? Input,
    string? Output);

/// <summary>
/// Writes exported traces to a response as they are read: rows go out in chunks and nothing holds the whole
/// result, so an export of a million traces costs the memory of a few rows.
/// </summary>
public static class TraceExportWriter
{
    private const int RowsPerFlush = 200;

    private static readonly string[] _csvHeader =
    [
        "trace_id", "name", "start_time", "end_time", "latency_ms", "status", "session_id", "user_id",
        "environment", "release", "version", "tags", "models", "input_tokens", "output_tokens", "total_tokens",
        "cost_usd", "span_count", "error_count", "input", "output",
    ];

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public static string ContentType(TraceExportFormat format)
        => format == TraceExportFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";

    public static string FileName(TraceExportFormat format)
        => format == TraceExportFormat.Csv ? "traces.csv" : "traces.jsonl";

    public static async Task WriteAsync(
        Stream body,
        TraceExportFormat format,
        IAsyncEnumerable<TraceExportRow> rows,
        CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        if (format == TraceExportFormat.Csv)
        {
            await writer.WriteAsync(string.Join(',', _csvHeader) + "\r\n");
        }

        var written = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(format == TraceExportFormat.Csv ? CsvLine(row) : JsonLine(row));
            if (++written % RowsPerFlush == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// One RFC 4180 record. Text a spreadsheet would run as a formula (starting with = + - @, tab or carriage
    /// return) gets a leading apostrophe, since exported LLM text is untrusted.
    /// </summary>
    public static string CsvLine(TraceExportRow row)
    {
        var t = row.Summary;
        string[] cells =
        [
            Text(t.TraceId), Text(t.Name), Time(t.StartTime), Time(t.EndTime), Number(t.LatencyMs), Text(t.Status),
            Text(t.SessionId), Text(t.UserId), Text(t.Environment), Text(t.Release), Text(t.Version),
            Text(string.Join(';', t.Tags)), Text(string.Join(';', t.Models)), Number(t.Tokens.Input),
            Number(t.Tokens.Output), Number(t.Tokens.Total), t.Cost is { } cost ? Number(cost) : string.Empty,
            Number(t.SpanCount), Number(t.ErrorCount), Text(row.Input), Text(row.Output),
        ];
        return string.Join(',', cells) + "\r\n";
    }

    public static string JsonLine(TraceExportRow row)
    {
        var t = row.Summary;
        var line = new TraceExportLine(
            t.TraceId,
            t.Name,
            t.StartTime,
            t.EndTime,
            t.LatencyMs,
            t.Status,
            t.SessionId,
            t.UserId,
            t.Environment,
            t.Release,
            t.Version,
            t.Tags,
            t.Models,
            t.Tokens,
            t.Cost,
            t.SpanCount,
            t.ErrorCount,
            row.Input,
            row.Output);
        return JsonSerializer.Serialize(line, _json) + "\n";
    }

    private static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value[0] == ' ' || value[^1] == ' '
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static string Time(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
