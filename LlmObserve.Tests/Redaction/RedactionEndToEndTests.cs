using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;

namespace LlmObserve.Tests.Redaction;

public sealed class RedactionEndToEndTests
{
    private static readonly string[] _secrets =
    [
        "jane.doe@example.com",
        "+1 415 555 0132",
        "4111 1111 1111 1111",
        "DE89 3704 0044 0532 0130 00",
        "203.0.113.42",
        "2001:db8::8a2e:370:7334",
        "ORD-884213",
    ];

    [Fact]
    public async Task EveryBuiltInKind_AndACustomPattern_NeverReachTheDatabaseFile()
    {
        var dataDirectory = RunningApp.CreateTempDirectory();
        var traceId = OtlpRequests.NewTraceId();
        var nativeTrace = OtlpRequests.NewTraceId();
        await using (var app = await RunningApp.StartAsync(dataDirectory))
        {
            using var client = app.CreateClient();
            var saved = await client.PutAsJsonAsync(
                new Uri("api/project/redaction", UriKind.Relative),
                new
                {
                    detectors = new[] { "email", "phone", "card", "iban", "ip" },
                    patterns = new[] { new { name = "order", pattern = @"ORD-\d{6}" } },
                });
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

            var text = "Contact " + string.Join(" / ", _secrets) + " please.";
            var span = OtlpRequests.Span(traceId, OtlpRequests.NewSpanId(), "chat")
                .WithAttribute("openinference.span.kind", "LLM")
                .WithAttribute("input.value", text)
                .WithAttribute("output.value", "Noted: " + _secrets[0])
                .WithAttribute("user.id", _secrets[0])
                .WithAttribute("client.address", _secrets[4]);
            var content = new ByteArrayContent(OtlpRequests.Request(span).ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            Assert.Equal(
                HttpStatusCode.OK,
                (await client.PostAsync(new Uri("v1/traces", UriKind.Relative), content)).StatusCode);

            var native = $$"""
            {"traces":[{"id":"{{nativeTrace}}","name":"n","input":"card {{_secrets[2]}}","output":"ok",
              "spans":[{"id":"aaaaaaaaaaaaaaaa","name":"gen","type":"generation","input":"mail {{_secrets[0]}}"}]}],
             "scores":[{"traceId":"{{nativeTrace}}","name":"check","value":1,"explanation":"from {{_secrets[4]}}"}],
             "feedback":[{"traceId":"{{nativeTrace}}","kind":"comment","comment":"call me on {{_secrets[1]}}"}]}
            """;
            var ingested = await client.PostAsync(
                new Uri("api/ingest", UriKind.Relative),
                new StringContent(native, Encoding.UTF8, "application/json"));
            Assert.True(ingested.IsSuccessStatusCode, await ingested.Content.ReadAsStringAsync());
            var feedback = await client.PostAsJsonAsync(
                new Uri("api/feedback", UriKind.Relative),
                new { traceId = nativeTrace, kind = "comment", comment = "reach me at " + _secrets[6] });
            Assert.True(feedback.IsSuccessStatusCode, await feedback.Content.ReadAsStringAsync());

            var trace = await TraceApi.WaitForTraceAsync(client, traceId, 1);
            using var detail = JsonDocument.Parse(
                await client.GetStringAsync(new Uri($"api/traces/{traceId}", UriKind.Relative)));
            var redactions = detail.RootElement.GetProperty("spans")[0].GetProperty("redactions");
            foreach (var kind in new[] { "email", "phone", "card", "iban", "ip", "order" })
            {
                Assert.True(
                    redactions.TryGetProperty(kind, out var count) && count.GetInt32() >= 1,
                    $"no {kind} counted in {redactions}");
            }

            Assert.Contains("[REDACTED:email]", trace.Input!, StringComparison.Ordinal);
            await TraceApi.WaitForTraceAsync(client, nativeTrace, 1);
        }

        // The app is stopped; read every byte of the store, main file and write-ahead log alike.
        var bytes = Directory.GetFiles(dataDirectory, "llmobserve.db*")
            .SelectMany(File.ReadAllBytes)
            .ToArray();
        var store = Encoding.UTF8.GetString(bytes);
        Assert.Contains("[REDACTED:email]", store, StringComparison.Ordinal);
        foreach (var secret in _secrets)
        {
            Assert.DoesNotContain(secret, store, StringComparison.Ordinal);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task BadSettings_Are400NamingTheField_AndChangeNothing()
    {
        await using var app = await RunningApp.StartAsync();
        using var client = app.CreateClient();

        var refused = await client.PutAsJsonAsync(
            new Uri("api/project/redaction", UriKind.Relative),
            new
            {
                detectors = new[] { "email", "ssn" },
                patterns = new[] { new { name = "order", pattern = @"(ORD)-\1" } },
            });
        var problem = await refused.Content.ReadAsStringAsync();
        var stored = await client.GetFromJsonAsync<JsonElement>(new Uri("api/project/redaction", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("detectors[1]", problem, StringComparison.Ordinal);
        Assert.Contains("patterns[0].pattern", problem, StringComparison.Ordinal);
        Assert.Contains("could run away", problem, StringComparison.Ordinal);
        Assert.Equal(0, stored.GetProperty("detectors").GetArrayLength());
        Assert.Equal(0, stored.GetProperty("patterns").GetArrayLength());
    }
}
