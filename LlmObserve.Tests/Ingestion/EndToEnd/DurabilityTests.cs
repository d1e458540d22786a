using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Ingestion.Writer;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Restart_AfterManyAcknowledgedConcurrentRequests_FindsEverySpan()
    {
        var dataDirectory = RunningApp.CreateTempDirectory();
        var sent = new List<(string TraceId, int Spans)>();
        await using (var first = await RunningApp.StartAsync(dataDirectory))
        {
            using var client = first.CreateClient();
            var requests = Enumerable.Range(0, 40).Select(i =>
            {
                var traceId = OtlpRequests.NewTraceId();
                var root = OtlpRequests.NewSpanId();
                var spans = new[] { OtlpRequests.Span(traceId, root, $"root-{i}") }
                    .Concat(Enumerable.Range(0, 4).Select(j =>
                        OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), $"child-{j}", parentId: root)))
                    .ToArray();
                sent.Add((traceId, spans.Length));
                return OtlpRequests.Request(spans).ToByteArray();
            }).ToList();

            var responses = await Task.WhenAll(requests.Select(body =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                return client.PostAsync(new Uri("v1/traces", UriKind.Relative), content);
            }));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        }

        await using var second = await RunningApp.StartAsync(dataDirectory);
        using var reader = second.CreateClient();

        foreach (var (traceId, spans) in sent)
        {
            var trace = await TraceApi.WaitForTraceAsync(reader, traceId, spans);
            Assert.Equal(spans, trace.SpanCount);
            Assert.False(trace.RootMissing);
        }

        await second.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task SaturatedWriter_Answers503WithRetryAfter_AndStoresNothingOfTheRefusedRequest()
    {
        await using var app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Ingestion:MaxQueuedSpans"] = "3",
            ["LlmObserve:Ingestion:RetryAfterSeconds"] = "7",
        });
        using var client = app.CreateClient();
        var acceptedTrace = OtlpRequests.NewTraceId();
        var refusedTrace = OtlpRequests.NewTraceId();

        // Another connection holds the write lock, so the first batch stays queued and fills the queue.
        var store = Path.Combine(app.DataDirectory, "llmobserve.db");
        await using var blocker = new SqliteConnection($"Data Source={store}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var accepted = PostAsync(client, OtlpRequests.Request(
            [.. Enumerable.Range(0, 3)
                .Select(i => OtlpRequests.Span(acceptedTrace, OtlpRequests.NewSpanId(), $"a{i}"))]));
        var writer = app.GetRequiredService<GroupCommitSpanWriter>();
        for (var waited = 0; writer.Statistics.QueuedItems < 3 && waited < 200; waited++)
        {
            await Task.Delay(25);
        }

        // Authentication must not wait for the lock (it once did, recording the key's last use on the request thread).
        var queuedWhileLocked = writer.Statistics.QueuedItems;
        var refused = await PostAsync(client, OtlpRequests.Request(
            OtlpRequests.Span(refusedTrace, OtlpRequests.NewSpanId(), "refused")));
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        var acceptedResponse = await accepted;
        var stored = await TraceApi.WaitForTraceAsync(client, acceptedTrace, 3);
        var lookup = await client.GetAsync(new Uri($"api/traces/{refusedTrace}", UriKind.Relative));

        Assert.Equal(3, queuedWhileLocked);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, acceptedResponse.StatusCode);
        Assert.Equal(3, stored.SpanCount);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, ExportTraceServiceRequest request)
    {
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return client.PostAsync(new Uri("v1/traces", UriKind.Relative), content);
    }

    [Fact]
    public async Task NativeIngest_ThroughTheEndpoint_StoresTraceScoresAndFeedback_AndReportsBadItems()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient();
        var traceId = OtlpRequests.NewTraceId();
        var body = $$$"""
        {"traces":[{"id":"{{{traceId}}}","name":"native","sessionId":"n-1","input":"q","output":"a",
          "spans":[{"id":"aaaaaaaaaaaaaaaa","name":"gen","type":"generation","model":"gpt-4o-mini",
                    "usage":{"input":10,"output":5}},{"name":"bad","type":"nope"}]}],
         "scores":[{"traceId":"{{{traceId}}}","name":"helpfulness","value":0.8}],
         "feedback":[{"traceId":"{{{traceId}}}","kind":"thumbs","value":1,"comment":"great"}]}
        """;

        var response = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        var trace = await TraceApi.WaitForTraceAsync(client, traceId, 2);

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        Assert.Contains("$.traces[0].spans[1].type", answer, StringComparison.Ordinal);
        Assert.Equal("native", trace.Name);
        Assert.Equal("n-1", trace.SessionId);
        Assert.Equal(15, trace.Tokens.Total);
        Assert.Equal(0.8, Assert.Single(trace.Scores).Value);
        Assert.Equal("great", Assert.Single(trace.Feedback).Comment);
    }

    [Fact]
    public async Task NativeIngest_WrongContentTypeOrNotJson_IsRefusedWithAReason()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient();

        var wrongType = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent("{}", Encoding.UTF8, "text/csv"));
        var notJson = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent("{\"traces\": [", Encoding.UTF8, "application/json"));
        var empty = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("not valid JSON", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("no traces", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
