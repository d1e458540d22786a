using System.Net;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// The icon a browser shows in its tab: every page links one that exists, and the conventional <c>/favicon.ico</c>,
/// asked for by clients that ignore the link, answers too instead of logging a 404 on every page.
/// </summary>
public sealed class FaviconBrowserTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("traces")]
    [InlineData("overview")]
    [InlineData("setup")]
    public async Task Page_Loaded_LinksAnIconThatExistsAndLogsNoMissingFile(string path)
    {
        var page = _browser.Page;
        var failures = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Add("console: " + message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Add($"{response.Status} {response.Url}");
            }
        };

        await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var icons = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)");
        Assert.NotEmpty(icons);
        foreach (var icon in icons)
        {
            var answer = await page.APIRequest.GetAsync(icon);
            Assert.True(answer.Ok, $"{icon} answered {answer.Status}.");
            Assert.StartsWith("image/", answer.Headers["content-type"], StringComparison.Ordinal);
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task FaviconIco_Requested_AnswersAnIcon()
    {
        using var client = _app.CreateClient(authenticated: false);

        using var response = await client.GetAsync(new Uri("favicon.ico", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]);
    }
}
