using System.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sylvan.Data.Csv;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Core.Datasets;

/// <summary>
/// Dataset items as CSV (a header row of <c>input, context, expected_output, metadata, source_trace_id</c>; context a
/// JSON array of strings or one plain document, metadata a JSON object) and as JSON Lines (one object per line with
/// the same fields). Reading checks every row and names each broken one with its number and the reason.
/// </summary>
public static class DatasetFiles
{
    public const string Csv = "csv";
    public const string Jsonl = "jsonl";

    public const int MaxRows = 10_000;

    private static readonly string[] Columns = ["id", "input", "context", "expected_output", "metadata",
        "source_trace_id"];

    private static readonly StringComparer Ordinal = StringComparer.OrdinalIgnoreCase;

    public static bool IsFormat(string? format) => format is Csv or Jsonl;

    /// <summary>The rows of a file; rows number from 1, the first data row (after a CSV header) or line.</summary>
    public static (IReadOnlyList<(int Row, DatasetItemDraft Draft)> Rows, IReadOnlyList<ImportRowError> Errors) Read(
        string format,
        string text)
        => format == Csv ? ReadCsv(text) : ReadJsonl(text);

    public static string Write(string format, IReadOnlyList<DatasetItemView> items)
        => format == Csv ? WriteCsv(items) : WriteJsonl(items);

    private static (IReadOnlyList<(int, DatasetItemDraft)>, IReadOnlyList<ImportRowError>) ReadCsv(string text)
    {
        var rows = new List<(int, DatasetItemDraft)>();
        var errors = new List<ImportRowError>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return (rows, [new ImportRowError(0, "The file is empty; the first row must name the columns.")]);
        }

        using var reader = new StringReader(text);
        var row = 0;
        try
        {
            using var csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HeaderComparer = Ordinal });
            var names = Enumerable.Range(0, csv.FieldCount)
                .Select(i => csv.GetName(i).Trim().ToLowerInvariant())
                .ToList();
            if (!names.Contains("input"))
            {
                return (rows, [new ImportRowError(0, "The header has no 'input' column.")]);
            }

            var unknown = names.Where(n => !Columns.Contains(n) && n != "expectedoutput").ToList();
            if (unknown.Count > 0)
            {
                return (rows, [new ImportRowError(0, "Unknown column(s): " + string.Join(", ", unknown) + ".")]);
            }

            while (csv.Read())
            {
                row++;
                if (row > MaxRows)
                {
                    errors.Add(new ImportRowError(row, $"A file holds at most {MaxRows} rows."));
                    break;
                }

                if (csv.RowFieldCount != names.Count)
                {
                    errors.Add(new ImportRowError(
                        row,
                        $"The row has {csv.RowFieldCount} fields; the header names {names.Count}."));
                    continue;
                }

                string? Field(string name) => names.IndexOf(name) is var i and >= 0 ? csv.GetString(i) : null;
                var (draft, reason) = Draft(
                    Field("input"),
                    Field("context"),
                    Field("expected_output") ?? Field("expectedoutput"),
                    Field("metadata"),
                    Field("source_trace_id"));
                if (draft is null)
                {
                    errors.Add(new ImportRowError(row, reason!));
                }
                else
                {
                    rows.Add((row, draft));
                }
            }
        }
        catch (CsvFormatException)
        {
            errors.Add(new ImportRowError(row + 1, "The CSV is malformed here (an unclosed or stray quote)."));
        }

        return (rows, errors);
    }

    private static (IReadOnlyList<(int, DatasetItemDraft)>, IReadOnlyList<ImportRowError>) ReadJsonl(string text)
    {
        var rows = new List<(int, DatasetItemDraft)>();
        var errors = new List<ImportRowError>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var row = i + 1;
            if (rows.Count + errors.Count >= MaxRows)
            {
                errors.Add(new ImportRowError(row, $"A file holds at most {MaxRows} rows."));
                break;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new ImportRowError(row, "The line is not a JSON object."));
                    continue;
                }

                var root = document.RootElement;
                string? Text(params string[] names)
                {
                    foreach (var name in names)
                    {
                        if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
                        {
                            return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                        }
                    }

                    return null;
                }

                var (draft, reason) = Draft(
                    Text("input"),
                    Text("context"),
                    Text("expected_output", "expectedOutput"),
                    Text("metadata"),
                    Text("source_trace_id", "sourceTraceId"));
                if (draft is null)
                {
                    errors.Add(new ImportRowError(row, reason!));
                }
                else
                {
                    rows.Add((row, draft));
                }
            }
            catch (JsonException error)
            {
                errors.Add(new ImportRowError(row, "The line is not valid JSON: " + FirstLine(error.Message)));
            }
        }

        return (rows, errors);
    }

    /// <summary>A draft from a row's fields, or the reason the row cannot be one.</summary>
    private static (DatasetItemDraft? Draft, string? Reason) Draft(
        string? input,
        string? context,
        string? expected,
        string? metadata,
        string? sourceTraceId)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return (null, "'input' is empty.");
        }

        List<string>? documents = null;
        if (!string.IsNullOrWhiteSpace(context))
        {
            if (context.TrimStart().StartsWith('['))
            {
                try
                {
                    documents = JsonSerializer.Deserialize<List<string>>(context);
                }
                catch (JsonException)
                {
                    return (null, "'context' starts with '[' but is not a JSON array of strings.");
                }
            }
            else
            {
                documents = [context];
            }
        }

        Dictionary<string, string>? fields = null;
        if (!string.IsNullOrWhiteSpace(metadata))
        {
            fields = MetadataOf(metadata);
            if (fields is null)
            {
                return (null, "'metadata' is not a JSON object.");
            }
        }

        string? traceId = null;
        if (!string.IsNullOrWhiteSpace(sourceTraceId))
        {
            traceId = TraceIds.NormalizeTraceId(sourceTraceId.Trim());
            if (traceId is null)
            {
                return (null, "'source_trace_id' is not a trace id (32 hex characters).");
            }
        }

        return (new DatasetItemDraft
        {
            Input = input,
            Context = documents,
            ExpectedOutput = string.IsNullOrEmpty(expected) ? null : expected,
            Metadata = fields,
            SourceTraceId = traceId,
        }, null);
    }

    private static Dictionary<string, string>? MetadataOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(),
                StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string WriteCsv(IReadOnlyList<DatasetItemView> items)
    {
        using var table = new DataTable();
        foreach (var column in Columns)
        {
            table.Columns.Add(column, typeof(string));
        }

        foreach (var item in items)
        {
            table.Rows.Add(
                item.Id,
                item.Input,
                item.Context.Count == 0 ? string.Empty : JsonSerializer.Serialize(item.Context),
                item.ExpectedOutput ?? string.Empty,
                item.Metadata is null ? string.Empty : JsonSerializer.Serialize(item.Metadata),
                item.SourceTraceId ?? string.Empty);
        }

        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvDataWriter.Create(text))
        using (var rows = table.CreateDataReader())
        {
            csv.Write(rows);
        }

        return text.ToString();
    }

    private static string WriteJsonl(IReadOnlyList<DatasetItemView> items)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(JsonSerializer.Serialize(
                new Dictionary<string, object?>
                {
                    ["id"] = item.Id,
                    ["input"] = item.Input,
                    ["context"] = item.Context,
                    ["expected_output"] = item.ExpectedOutput,
                    ["metadata"] = item.Metadata,
                    ["source_trace_id"] = item.SourceTraceId,
                },
                StoreJson.Options)).Append('\n');
        }

        return text.ToString();
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
