using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Core.Ingestion.Otlp.Proto;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

/// <summary>Each bad input is refused with a reason, and the valid data around it is kept.</summary>
public sealed class OtlpBadInputTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Ingestion:MaxRequestBytes"] = "65536",
            ["LlmObserve:Ingestion:MaxFieldChars"] = "1000",
        });
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task MalformedProtobuf_Is400WithReasonInProtobuf_AndEarlierDataIsKept()
    {
        var kept = await SendValidTraceAsync();

        var response = await PostAsync([0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], "application/x-protobuf");
        var status = RpcStatus.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType!.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(status.Message));
        Assert.Equal(1, await CountSpansAsync(kept));
    }

    [Fact]
    public async Task MalformedJson_Is400WithReasonInJson_AndEarlierDataIsKept()
    {
        var kept = await SendValidTraceAsync();

        var response = await PostAsync(Encoding.UTF8.GetBytes("""{"resourceSpans":[{"scopeSpans":[ """), "application/json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("message").GetString()));
        Assert.Equal(1, await CountSpansAsync(kept));
    }

    [Fact]
    public async Task UnsupportedContentType_Is415NamingTheType()
    {
        var response = await PostAsync(Encoding.UTF8.GetBytes("spans"), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("text/plain", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooLargeBody_Is413_AndAGzipBombIsRefusedTheSameWay()
    {
        var kept = await SendValidTraceAsync();
        var big = new byte[70_000];
        var bomb = Gzip(new byte[1_000_000]);

        var plain = await PostAsync(big, "application/x-protobuf");
        var compressed = await PostAsync(bomb, "application/x-protobuf", gzip: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, plain.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, compressed.StatusCode);
        Assert.True(bomb.Length < 65_536);
        Assert.Equal(1, await CountSpansAsync(kept));
    }

    [Fact]
    public async Task GzipProtobuf_IsDecompressedAndStored()
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Request(OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "zipped"));

        var response = await PostAsync(Gzip(request.ToByteArray()), "application/x-protobuf", gzip: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await CountSpansAsync(traceId));
    }

    [Fact]
    public async Task InvalidIdsInProtobuf_AreCountedInPartialSuccess_AndTheValidSpansAreStored()
    {
        var traceId = OtlpRequests.NewTraceId();
        var badTrace = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "short-trace-id");
        badTrace.TraceId = ByteString.CopyFrom(new byte[8]);
        var badSpan = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "zero-span-id");
        badSpan.SpanId = ByteString.CopyFrom(new byte[8]);
        var request = OtlpRequests.Request(
            OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "good-1"),
            badTrace,
            OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "good-2"),
            badSpan);

        var response = await PostAsync(request.ToByteArray(), "application/x-protobuf");
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("short-trace-id", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, await CountSpansAsync(traceId));
    }

    [Fact]
    public async Task OtlpJson_HexIdsStringAndNumberInt64sAndABadId_PartialSuccessInJson()
    {
        var traceId = OtlpRequests.NewTraceId();
        var json = $$$"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-app"}}]},
          "scopeSpans":[{"spans":[
            {"traceId":"{{{traceId}}}","spanId":"1111111111111111","name":"string-times","kind":3,
             "startTimeUnixNano":"1764500000000000000","endTimeUnixNano":"1764500000500000000",
             "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"77"}}]},
            {"traceId":"{{{traceId}}}","spanId":"2222222222222222","parentSpanId":"1111111111111111",
             "name":"number-times","kind":"SPAN_KIND_CLIENT",
             "startTimeUnixNano":1764500000100000000,"endTimeUnixNano":1764500000200000000,
             "attributes":[{"key":"gen_ai.usage.output_tokens","value":{"intValue":12}}]},
            {"traceId":"not-a-hex-trace-id","spanId":"3333333333333333","name":"bad-id"}]}]}]}
        """;

        var response = await PostAsync(Encoding.UTF8.GetBytes(json), "application/json");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var spans = await SpansAsync(traceId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var partial = answer.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").ToString());
        Assert.Contains("bad-id", partial.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, spans.Count);
        var first = spans.Single(s => s.SpanId == "1111111111111111");
        Assert.Equal(1764500000000000000, first.StartTimeUnixNano);
        Assert.Equal(77, first.InputTokens);
        Assert.Equal("client", first.Kind);
        Assert.Equal(12, spans.Single(s => s.SpanId == "2222222222222222").OutputTokens);
    }

    [Fact]
    public async Task InvalidUtf8AndLoneSurrogates_AreRepaired_NotFatal()
    {
        var traceId = OtlpRequests.NewTraceId();
        var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "utf8").WithAttribute("input.value", "MARKER");
        var bytes = OtlpRequests.Request(span).ToByteArray();
        var marker = Encoding.UTF8.GetBytes("MARKER");
        var at = bytes.AsSpan().IndexOf(marker);
        bytes[at + 2] = 0xFF;
        var jsonTraceId = OtlpRequests.NewTraceId();
        var json = $$$"""
        {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"{{{jsonTraceId}}}","spanId":"4444444444444444",
          "name":"surrogate","startTimeUnixNano":"1764500000000000000","endTimeUnixNano":"1764500000000000001",
          "attributes":[{"key":"input.value","value":{"stringValue":"a\ud800b"}}]}]}]}]}
        """;

        var protobuf = await PostAsync(bytes, "application/x-protobuf");
        var fromJson = await PostAsync(Encoding.UTF8.GetBytes(json), "application/json");

        Assert.Equal(HttpStatusCode.OK, protobuf.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromJson.StatusCode);
        Assert.Equal("MA\uFFFDKER", (await SpansAsync(traceId)).Single().InputText);
        Assert.Equal("a\uFFFDb", (await SpansAsync(jsonTraceId)).Single().InputText);
    }

    [Fact]
    public async Task OversizedField_IsTruncatedWithMarkerAndOriginalSize_AndTheSpanKept()
    {
        var traceId = OtlpRequests.NewTraceId();
        var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "long-output")
            .WithAttribute("output.value", new string('z', 5000));

        var response = await PostAsync(OtlpRequests.Request(span).ToByteArray(), "application/x-protobuf");
        var stored = (await SpansAsync(traceId)).Single();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(new string('z', 1000), stored.OutputText, StringComparison.Ordinal);
        Assert.Contains("5000", stored.OutputText!, StringComparison.Ordinal);
        Assert.True(stored.OutputText!.Length < 1100);
        Assert.Contains("5000", stored.TruncationsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingOrEarlyEndTime_NeverGivesANegativeDuration()
    {
        var traceId = OtlpRequests.NewTraceId();
        var missing = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "no-end", endNano: 0);
        var early = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "early-end", endNano: 1);

        await PostAsync(OtlpRequests.Request(missing, early).ToByteArray(), "application/x-protobuf");
        var spans = await SpansAsync(traceId);
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 2);

        Assert.All(spans, s => Assert.Equal(s.StartTimeUnixNano, s.EndTimeUnixNano));
        Assert.True(trace.LatencyMs >= 0);
    }

    [Fact]
    public async Task SpanWhoseParentNeverArrives_StaysVisibleAsAnOrphan()
    {
        var traceId = OtlpRequests.NewTraceId();
        var orphan = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "orphan", parentId: OtlpRequests.NewSpanId());

        await PostAsync(OtlpRequests.Request(orphan).ToByteArray(), "application/x-protobuf");
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 1);

        Assert.True(trace.RootMissing);
        Assert.True(Assert.Single(trace.Spans).Orphan);
        Assert.Equal("orphan", trace.Name);
    }

    [Fact]
    public async Task ResentSpans_AreStoredOnce()
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Request(
            OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "a"),
            OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "b"));

        await PostAsync(request.ToByteArray(), "application/x-protobuf");
        var again = await PostAsync(request.ToByteArray(), "application/x-protobuf");
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 2);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, await CountSpansAsync(traceId));
        Assert.Equal(2, trace.SpanCount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer sk-lo-wrong")]
    [InlineData("Basic cGstbG8tdGVzdC1wdWJsaWM6d3Jvbmc=")]
    public async Task MissingOrWrongKey_Is401AndNothingIsStored(string? authorization)
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Request(OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "unauthorized"));
        using var anonymous = _app.CreateClient(authenticated: false);
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/traces")
        {
            Content = new ByteArrayContent(request.ToByteArray()),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await anonymous.SendAsync(message);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await CountSpansAsync(traceId));
    }

    [Fact]
    public async Task BasicAuthWithPublicAndSecretKey_IsAccepted()
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Request(OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "basic"));
        using var basic = _app.CreateClient(authenticated: false);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RunningApp.PublicKey}:{RunningApp.SecretKey}")));
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        var response = await basic.PostAsync(new Uri("v1/traces", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await CountSpansAsync(traceId));
    }

    [Fact]
    public async Task OverflowingTokenCounts_AreDroppedWithAWarning_AndNeverFailOtherRequests()
    {
        var traceId = OtlpRequests.NewTraceId();
        var spans = Enumerable.Range(0, 2).Select(i =>
        {
            var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), $"overflow-{i}")
                .WithAttribute("gen_ai.operation.name", "chat");
            span.Attributes.Add(new KeyValue
            {
                Key = "gen_ai.usage.input_tokens",
                Value = new AnyValue { IntValue = long.MaxValue },
            });
            return span;
        }).ToArray();
        var neighbours = Enumerable.Range(0, 10).Select(_ => OtlpRequests.NewTraceId()).ToList();

        var responses = await Task.WhenAll(
            neighbours.Select(id => PostAsync(
                OtlpRequests.Request(OtlpRequests.Span(id, OtlpRequests.NewSpanId(), "neighbour")).ToByteArray(),
                "application/x-protobuf"))
            .Append(PostAsync(OtlpRequests.Request(spans).ToByteArray(), "application/x-protobuf")));
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await responses[^1].Content.ReadAsByteArrayAsync());
        var trace = await TraceApi.WaitForTraceAsync(_client, traceId, 2);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("input token count", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.All(trace.Spans, s => Assert.Null(s.Usage.Input));
        foreach (var id in neighbours)
        {
            Assert.Equal(1, await CountSpansAsync(id));
        }
    }

    [Fact]
    public async Task UnknownPage_Is404WithAPageThatSaysSo()
    {
        using var signedIn = await _app.CreateSignedInClientAsync();

        var response = await signedIn.GetAsync(new Uri("no/such/page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Nothing here", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> SendValidTraceAsync()
    {
        var traceId = OtlpRequests.NewTraceId();
        var request = OtlpRequests.Request(OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "valid"));
        var response = await PostAsync(request.ToByteArray(), "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return traceId;
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType, bool gzip = false)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return await _client.PostAsync(new Uri("v1/traces", UriKind.Relative), content);
    }

    private async Task<int> CountSpansAsync(string traceId) => (await SpansAsync(traceId)).Count;

    private async Task<List<SpanEntity>> SpansAsync(string traceId)
    {
        var factory = _app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Spans.Where(s => s.TraceId == traceId).ToListAsync();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
