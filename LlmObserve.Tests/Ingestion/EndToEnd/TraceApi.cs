using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Traces.Queries;

namespace LlmObserve.Tests.Ingestion.EndToEnd;

/// <summary>Reads traces back through the public API, as a user of LlmObserve would.</summary>
internal static class TraceApi
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Waits until the trace has at least <paramref name="spanCount"/> spans (export is asynchronous).</summary>
    public static async Task<TraceDetail> WaitForTraceAsync(HttpClient client, string traceId, int spanCount)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await client.GetAsync(new Uri($"api/traces/{traceId}", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var trace = (await response.Content.ReadFromJsonAsync<TraceDetail>(Json))!;
                if (trace.Spans.Count >= spanCount)
                {
                    return trace;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Trace {traceId} did not reach {spanCount} spans; last answer {(int)response.StatusCode}.");
            }

            await Task.Delay(100);
        }
    }
}
