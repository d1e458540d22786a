using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Tests.Drift.Features;

namespace LlmObserve.Tests.Drift.Monitors;

/// <summary>
/// The whole path once with real parts: traces sent to <c>/api/ingest</c>, featured by the real feature job (MiniLM,
/// Lingua, the tokenizer), then compared by a monitor run through the API.
/// </summary>
public sealed class DriftMonitorFeatureJobTests
{
    [Fact]
    public async Task Monitor_OverTracesFeaturedByTheJob_ComparesEveryFeaturedTrace()
    {
        await using var harness = await FeatureJobHarness.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var reference = Enumerable.Range(0, 12).Select(n => FeatureTrace.Number(n, now.AddMinutes(-100))).ToList();
        var current = Enumerable.Range(0, 12).Select(n => FeatureTrace.Number(n, now.AddMinutes(-40))).ToList();
        await harness.IngestAsync([.. reference, .. current]);
        await harness.WaitForFeaturesAsync(24);

        var created = await harness.Client.PostAsJsonAsync("api/drift/monitors", new
        {
            name = "real features",
            features = new object[]
            {
                new { feature = "input_embedding", test = "embedding_centroid_cosine" },
                new { feature = "output_tokens" },
                new { feature = "input_language" },
            },
            referenceMinutes = 60,
            currentMinutes = 60,
            minimumSampleSize = 5,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var monitor = (await created.Content.ReadFromJsonAsync<DriftMonitorView>())!;
        var response = await harness.Client.PostAsync($"api/drift/monitors/{monitor.Id}/run", null);
        var result = (await response.Content.ReadFromJsonAsync<DriftResultView>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((12, 12), (result.ReferenceTraces, result.CurrentTraces));
        Assert.Equal((0, 0), (result.ReferenceUnfeatured, result.CurrentUnfeatured));
        Assert.All(result.Features, f => Assert.Equal("computed", f.Status));
        Assert.All(result.Features, f => Assert.Equal((12, 12), (f.ReferenceCount, f.CurrentCount)));

        // The same questions in both windows: no drift, and the language mix of English and French is counted.
        Assert.Equal(0, result.DriftedFeatures);
        var languages = result.Features.Single(f => f.Feature == "input_language").Distribution!;
        Assert.Equal(["en", "fr"], languages.Categories!.Order());
        Assert.True(result.Features.Single(f => f.Feature == "input_embedding").Score < 0.01);
        Assert.NotNull(result.Projection);
        Assert.Equal(24, result.Projection!.Points.Count);
    }
}
