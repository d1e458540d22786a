using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Alerts;

/// <summary>
/// A webhook or Slack address carries its token in the path or query, so it is write-only: no answer of the API
/// (create, update, list, send test, events, audit log) returns it, an update without a URL keeps delivering to the
/// stored one, a new URL switches delivery, and a new URL the outbound rules refuse is refused with the old one kept.
/// </summary>
public sealed class ChannelUrlSecrecyTests : IAsyncLifetime
{
    private const string PathToken = "xoxbPATHtoken7731secret";
    private const string QueryToken = "QUERYtoken4417secret";

    private AlertTestApp _app = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertTestApp.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private string Origin => $"http://127.0.0.1:{_receiver.BaseAddress.Port}";

    [Fact]
    public async Task TokenBearingUrl_NoApiAnswerOrAuditEntry_CarriesIt_DeliveryUsesIt()
    {
        var url = $"{Origin}/hook/T0TEAM/B0HOOK/{PathToken}?token={QueryToken}";
        using var created = await _app.Client.PostAsJsonAsync(
            "api/alerts/channels",
            new { name = "ops slack", kind = "slack", url });
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var channel = JsonDocument.Parse(createdBody).RootElement;
        var id = channel.GetProperty("id").GetInt64();
        Assert.Equal(Origin + "/…", channel.GetProperty("maskedUrl").GetString());
        Assert.False(channel.TryGetProperty("url", out _));

        using var updated = await _app.Client.PutAsJsonAsync(
            $"api/alerts/channels/{id}",
            new { name = "ops slack (renamed)", kind = "slack" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        using var test = await _app.Client.PostAsync($"api/alerts/channels/{id}/test", null);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        var rule = await _app.CreateRuleAsync(new
        {
            name = "any traffic",
            metric = "request_volume",
            windowMinutes = 5,
            direction = "above",
            warningThreshold = 0,
            channelIds = new[] { id },
        });
        await _app.IngestTracesAsync(1, 40, DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(
            () => Task.FromResult(_receiver.Targets.Count >= 2),
            "the firing notice at the stored address",
            AlertTestApp.Wait);

        var answers = new[]
        {
            createdBody,
            await updated.Content.ReadAsStringAsync(),
            await test.Content.ReadAsStringAsync(),
            await _app.Client.GetStringAsync("api/alerts/channels"),
            await _app.Client.GetStringAsync($"api/alerts/rules/{rule}"),
            await _app.Client.GetStringAsync("api/alerts/events"),
            await _app.Client.GetStringAsync("api/audit?limit=500"),
        };
        foreach (var answer in answers)
        {
            AssertNoSecret(answer);
        }

        Assert.All(
            _receiver.Targets,
            target => Assert.Equal($"/hook/T0TEAM/B0HOOK/{PathToken}?token={QueryToken}", target));
    }

    [Fact]
    public async Task ReceiverErrorPageQuotingTheUrl_ReasonShownWithoutIt()
    {
        var id = await _app.CreateChannelAsync(new
        {
            name = "echoing hook",
            kind = "webhook",
            url = $"{Origin}/echo/T0TEAM/B0HOOK/{PathToken}?token={QueryToken}",
        });

        using var test = await _app.Client.PostAsync($"api/alerts/channels/{id}/test", null);

        Assert.Equal(HttpStatusCode.BadGateway, test.StatusCode);
        var detail = (await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.StartsWith("HTTP 404 NotFound: Cannot POST …", detail, StringComparison.Ordinal);
        AssertNoSecret(detail!);
    }

    [Fact]
    public async Task Update_WithoutOrWithEmptyUrl_KeepsDeliveringToTheStoredOne()
    {
        var id = await _app.CreateChannelAsync(new
        {
            name = "first",
            kind = "webhook",
            url = $"{Origin}/hook/first/{PathToken}",
        });

        await PutAsync(id, new { name = "first", kind = "webhook", enabled = true }, HttpStatusCode.OK);
        await SendTestAsync(id);
        await PutAsync(id, new { name = "first", kind = "webhook", url = " " }, HttpStatusCode.OK);
        await SendTestAsync(id);

        Assert.Equal([$"/hook/first/{PathToken}", $"/hook/first/{PathToken}"], _receiver.Targets);
    }

    [Fact]
    public async Task Update_WithNewUrl_SwitchesDelivery()
    {
        var id = await _app.CreateChannelAsync(new
        {
            name = "moving",
            kind = "webhook",
            url = $"{Origin}/hook/old/{PathToken}",
        });

        var moved = new { name = "moving", kind = "slack", url = $"{Origin}/hook/new-one" };
        await PutAsync(id, moved, HttpStatusCode.OK);
        await SendTestAsync(id);

        var target = Assert.Single(_receiver.Targets);
        Assert.Equal("/hook/new-one", target);
        Assert.True(Assert.Single(_receiver.Received).TryGetProperty("text", out _), "sent as a Slack message");
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/hook", "is a link-local or cloud metadata address")]
    [InlineData("ftp://127.0.0.1/hook", "'url' must be an absolute http or https address")]
    [InlineData("MASKED", "'url' is the masked form LlmObserve shows")]
    public async Task Update_WithRefusedUrl_Is400NamingUrl_StoredOneKept(string url, string reason)
    {
        var id = await _app.CreateChannelAsync(new
        {
            name = "kept",
            kind = "webhook",
            url = $"{Origin}/hook/kept/{PathToken}",
        });
        var changed = new { name = "kept", kind = "webhook", url = url == "MASKED" ? Origin + "/…" : url };

        var problem = await PutAsync(id, changed, HttpStatusCode.BadRequest);

        var reasons = problem.GetProperty("errors").GetProperty("url");
        Assert.Contains(reason, reasons[0].GetString(), StringComparison.Ordinal);
        await SendTestAsync(id);
        Assert.Equal([$"/hook/kept/{PathToken}"], _receiver.Targets);
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(PathToken, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(QueryToken, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("B0HOOK", text, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<JsonElement> PutAsync(long id, object body, HttpStatusCode expected)
    {
        using var response = await _app.Client.PutAsJsonAsync($"api/alerts/channels/{id}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        AssertNoSecret(text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task SendTestAsync(long id)
    {
        using var response = await _app.Client.PostAsync($"api/alerts/channels/{id}/test", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
