using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Traces;

/// <summary>CSV and JSONL export of the filtered list: escaping, formula neutralising, size and streaming.</summary>
/// <remarks>
/// Alone because one test reads the process-wide heap, which tests running beside it would grow (CI once saw 41 MB).
/// </remarks>
[Collection(AloneCollection.Name)]
public sealed class TraceExportTests : IAsyncLifetime
{
    private const int BulkTraces = 50_000;

    private RunningApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        var store = new TraceStore(_app);
        var projectId = await store.ProjectIdAsync();

        var formula = TraceStore.Trace(projectId, 1, 0);
        formula.Name = "+cmd|' /C calc'!A0";
        formula.SessionId = "special";
        formula.InputText = "=HYPERLINK(\"http://evil\",\"click\")";
        formula.OutputText = "line one, with comma\nline \"two\"";
        var at = TraceStore.Trace(projectId, 2, 1);
        at.SessionId = "special";
        at.InputText = "@SUM(A1:A2)";
        at.OutputText = "-2+3";
        await store.AddAsync([formula, at]);

        // Fifty thousand rows in one statement: the EF change tracker would take longer than the export.
        var factory = _app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {1})
            INSERT INTO "Traces" ("ProjectId", "TraceId", "Name", "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs",
                "Status", "InputText", "OutputText", "InputTokens", "OutputTokens", "CachedTokens", "ReasoningTokens",
                "TotalTokens", "SpanCount", "ErrorCount", "RootMissing", "UpdatedAtUnixNano")
            SELECT {0}, printf('%032x', 1000000 + i), 'bulk', 1700000000000000000 + i * 1000, 1700000000000000000
                + i * 1000 + 500, 0.5, 'ok', 'bulk input ' || i || ' ' || replace(hex(zeroblob(150)), '00', 'x '),
                'bulk output ' || i, 1, 2, 0, 0, 3, 1, 0, 0, 0
            FROM n
            """,
            projectId,
            BulkTraces);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ExportCsv_HostileText_ParsesBackWithFormulasNeutralised()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(
            new Uri("api/traces/export?format=csv&sessionId=special", UriKind.Relative));
        var records = ParseCsv(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, records.Count);
        var header = records[0];
        var byId = records.Skip(1).ToDictionary(r => r[header.IndexOf("trace_id")]);
        var formula = byId[TraceStore.TraceId(1)];
        Assert.Equal("'+cmd|' /C calc'!A0", formula[header.IndexOf("name")]);
        Assert.Equal("'=HYPERLINK(\"http://evil\",\"click\")", formula[header.IndexOf("input")]);
        Assert.Equal("line one, with comma\nline \"two\"", formula[header.IndexOf("output")]);
        var at = byId[TraceStore.TraceId(2)];
        Assert.Equal("'@SUM(A1:A2)", at[header.IndexOf("input")]);
        Assert.Equal("'-2+3", at[header.IndexOf("output")]);
    }

    [Fact]
    public async Task ExportJsonl_FiftyThousandTraces_StreamsOneLinePerTrace()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(
            new Uri("api/traces/export?format=jsonl&name=bulk", UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead);
        var lines = 0;
        string? first = null;
        await using (var body = await response.Content.ReadAsStreamAsync())
        using (var reader = new StreamReader(body, Encoding.UTF8))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                first ??= line;
                lines++;
            }
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);

        // No length known up front: the body was written as rows were read, not buffered whole.
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(BulkTraces, lines);
        var row = JsonSerializer.Deserialize<JsonElement>(first!);
        Assert.StartsWith("bulk input " + BulkTraces + " x x", row.GetProperty("input").GetString());
        Assert.Equal(3, row.GetProperty("tokens").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task ExportCsv_FiftyThousandTraces_KeepsTheServerHeapSmall()
    {
        using var client = _app.CreateClient();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;

        using var response = await client.GetAsync(
            new Uri("api/traces/export?format=csv&name=bulk&sort=latency", UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead);
        var records = 0;
        await using (var body = await response.Content.ReadAsStreamAsync())
        using (var reader = new StreamReader(body, Encoding.UTF8))
        {
            while (await reader.ReadLineAsync() is not null)
            {
                if (++records % 10_000 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
                }
            }
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BulkTraces + 1, records);

        // The whole export is about 20 MB of text (40 MB as .NET strings); streamed, the live heap stays far below
        // that, with room for whatever the tests running in parallel hold.
        Assert.True(peak < 16_000_000, $"The heap grew by {peak} bytes during the export.");
    }

    [Fact]
    public async Task Export_WithoutKey_Returns401AndThePageExportAsksForASignIn()
    {
        using var anonymous = _app.CreateCookieClient();
        using var client = await _app.CreateSignedInClientAsync();

        var api = await anonymous.GetAsync(new Uri("api/traces/export?format=csv", UriKind.Relative));
        var refused = await anonymous.GetAsync(new Uri("export/traces?format=csv", UriKind.Relative));
        var page = await client.GetAsync(new Uri("export/traces?format=csv&sessionId=special", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/login", refused.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(3, ParseCsv(await page.Content.ReadAsStringAsync()).Count);
        Assert.Equal("attachment", page.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("", "format")]
    [InlineData("format=csv&minCost=cheap", "minCost")]
    public async Task Export_InvalidParameter_Returns400NamingIt(string query, string parameter)
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(new Uri("api/traces/export?" + query, UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    /// <summary>An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        return records;
    }
}
