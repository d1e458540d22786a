using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Core.Outbound;
using LlmObserve.Tests.Alerts;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Security;

/// <summary>
/// The outbound rules in the real app: alert channels and judge endpoints aimed at a metadata address are refused
/// when saved (a channel's stored address again when it is updated without one), naming the rule, and a channel
/// whose name is later pointed at one is refused when it connects. Names resolve through a fake resolver; the only
/// packets sent go to the webhook receiver on 127.0.0.1.
/// </summary>
public sealed class OutboundRulesApiTests : IAsyncLifetime
{
    private readonly FakeHostResolver _resolver = new FakeHostResolver().Set("metadata.test", "169.254.169.254");
    private RunningApp _app = null!;
    private HttpClient _client = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = await RunningApp.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IHostResolver>(_resolver));
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Theory]
    [InlineData("webhook", "http://169.254.169.254/latest/meta-data/")]
    [InlineData("slack", "https://metadata.test/services/T000/B000/XXXX")]
    [InlineData("webhook", "http://[fd00:ec2::254]/")]
    public async Task AlertWebhook_AtAMetadataAddress_IsRefusedWhenSaved(string kind, string url)
    {
        using var response = await _client.PostAsJsonAsync(
            "api/alerts/channels",
            new { name = "meta " + kind, kind, url });

        await AssertRefusedAsync(response, "url");
    }

    [Fact]
    public async Task SmtpHost_ResolvingToMetadata_IsRefusedWhenSaved()
    {
        using var response = await _client.PostAsJsonAsync("api/alerts/channels", new
        {
            name = "mail",
            kind = "email",
            smtpHost = "metadata.test",
            smtpPort = 25,
            emailFrom = "alerts@example.test",
            emailTo = "team@example.test",
        });

        await AssertRefusedAsync(response, "smtpHost");
    }

    [Fact]
    public async Task JudgeEndpoint_AtAMetadataAddress_IsRefusedBeforeAnyCall()
    {
        using var response = await _client.PostAsJsonAsync("api/judge-endpoints", new
        {
            name = "meta judge",
            provider = "openai-compatible",
            baseUrl = "http://metadata.test/v1",
            model = "judge",
            apiKey = "sk-never-sent-anywhere",
        });

        await AssertRefusedAsync(response, "baseUrl");
    }

    [Fact]
    public async Task Webhook_SavedAtLoopbackThenReboundToMetadata_IsRefusedWhenItConnects()
    {
        _resolver.Set("rebind.test", "127.0.0.1");
        _receiver.CloseConnections = true;
        var url = new UriBuilder(_receiver.Hook) { Host = "rebind.test" }.Uri;
        using var created = await _client.PostAsJsonAsync(
            "api/alerts/channels",
            new { name = "rebinding", kind = "webhook", url = url.ToString() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var delivered = await _client.PostAsync($"api/alerts/channels/{id}/test", null);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Single(_receiver.Received);

        _resolver.Set("rebind.test", "169.254.169.254");
        using var refused = await _client.PostAsync($"api/alerts/channels/{id}/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("link-local or cloud metadata", await refused.Content.ReadAsStringAsync());
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task Webhook_UpdatedWithoutUrl_StoredOneIsCheckedAgain()
    {
        _resolver.Set("moved.test", "127.0.0.1");
        var url = new UriBuilder(_receiver.Hook) { Host = "moved.test" }.Uri;
        using var created = await _client.PostAsJsonAsync(
            "api/alerts/channels",
            new { name = "moved", kind = "webhook", url = url.ToString() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        _resolver.Set("moved.test", "169.254.169.254");

        using var updated = await _client.PutAsJsonAsync(
            $"api/alerts/channels/{id}",
            new { name = "moved", kind = "webhook", enabled = false });

        await AssertRefusedAsync(updated, "url");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        var message = errors.GetProperty(field)[0].GetString()!;
        Assert.Contains("link-local or cloud metadata", message, StringComparison.Ordinal);
        Assert.Contains("LlmObserve:Outbound:AllowedHosts", message, StringComparison.Ordinal);
    }
}
