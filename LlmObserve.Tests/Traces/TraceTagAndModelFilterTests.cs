using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Traces;

/// <summary>
/// The tag and model filters over traces the span writer aggregated itself: its tag array is SQLite's JSON, which
/// escapes other characters than .NET does, and its model list is comma-separated.
/// </summary>
public sealed class TraceTagAndModelFilterTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        using var client = _app.CreateClient();
        var batch = new
        {
            traces = new object[]
            {
                Trace("fire", ["🔥hot", "plain"], "gpt-4o"),
                Trace("quoted", ["say \"hi\"", "back\\slash"], "gpt-4o-mini"),
                Trace("separator", ["line\u2028break", "plain-er"], "claude-3-5-sonnet"),
                Trace("percent", ["50%_off"], "my_model%"),
            },
        };

        using var response = await client.PostAsync(
            new Uri("api/ingest", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("tag", "🔥hot", new[] { "fire" })]
    [InlineData("tag", "plain", new[] { "fire" })]
    [InlineData("tag", "say \"hi\"", new[] { "quoted" })]
    [InlineData("tag", "back\\slash", new[] { "quoted" })]
    [InlineData("tag", "line\u2028break", new[] { "separator" })]
    [InlineData("tag", "50%_off", new[] { "percent" })]
    [InlineData("tag", "50%", new string[0])]
    [InlineData("tag", "hot", new string[0])]
    [InlineData("model", "gpt-4o", new[] { "fire" })]
    [InlineData("model", "gpt-4o-mini", new[] { "quoted" })]
    [InlineData("model", "my_model%", new[] { "percent" })]
    [InlineData("model", "my", new string[0])]
    public async Task List_TagOrModel_MatchesWholeEntriesWhateverTheirCharacters(
        string parameter,
        string value,
        string[] expectedNames)
    {
        using var client = _app.CreateClient();

        var body = await client.GetFromJsonAsync<JsonElement>(
            new Uri($"api/traces?{parameter}={Uri.EscapeDataString(value)}", UriKind.Relative));

        var names = body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(expectedNames, names);
    }

    private static object Trace(string name, string[] tags, string model) => new
    {
        name,
        tags,
        spans = new object[] { new { name = "call", type = "generation", model } },
    };
}
