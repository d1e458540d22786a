using System.Net;
using System.Text.RegularExpressions;
using Bunit;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Costs;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Components.Pages.Settings;
using LlmObserve.Web.Costs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;

namespace LlmObserve.Tests.Settings;

/// <summary>The price settings page as the server first renders it, against the running app and its defaults.</summary>
public sealed partial class PricesPageTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = await _app.CreateSignedInClientAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task PricesPage_BuiltInDefaults_ListsEveryEntryWithDatesNamedAsUtc()
    {
        var stored = await _app.GetRequiredService<ModelPriceService>().ListAsync(null, CancellationToken.None);

        var html = await _client.GetStringAsync(new Uri("settings/prices", UriKind.Relative));

        Assert.NotEmpty(stored);
        Assert.Equal(stored.Count, RowMatches(html).Count);
        Assert.Contains("Effective from (UTC)", html, StringComparison.Ordinal);
        Assert.Contains("Dates in UTC", html, StringComparison.Ordinal);
        Assert.Contains("text-embedding-3-small", RowMatches(html));
    }

    [Fact]
    public async Task PricesPage_MarkupInMatchAndSource_IsRenderedAsEscapedText()
    {
        var result = await _app.GetRequiredService<ModelPriceService>().SaveAsync(
            new ModelPrice
            {
                MatchKind = ModelMatchKind.Exact,
                Match = "<img src=x onerror=alert(1)>",
                Source = "<script>alert(2)</script>",
                EffectiveFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                InputPerMillion = 1m,
                OutputPerMillion = 2m,
            },
            CancellationToken.None);
        Assert.True(result.Succeeded);

        var html = await _client.GetStringAsync(new Uri("settings/prices?model=img", UriKind.Relative));

        Assert.Equal(["&lt;img src=x onerror=alert(1)&gt;"], RowMatches(html));
        Assert.Contains("&lt;script&gt;alert(2)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PricesPage_ModelFilterInUrl_ListsOnlyTheEntriesForThatModel()
    {
        var html = await _client.GetStringAsync(
            new Uri("settings/prices?model=text-embedding-3-small", UriKind.Relative));

        // OpenAI's price and Azure's, no other model.
        var rows = RowMatches(html);
        Assert.NotEmpty(rows);
        Assert.All(rows, match => Assert.Equal("text-embedding-3-small", match));
    }

    [Fact]
    public async Task PricesPage_ProbeForADatedModelId_NamesTheEntryThatPricesIt()
    {
        var html = await _client.GetStringAsync(
            new Uri("settings/prices?test=gpt-4o-mini-2024-07-18&at=2025-01-01", UriKind.Relative));

        var result = ProbeText(html);
        Assert.Contains("gpt-4o-mini(-\\d{4}-\\d{2}-\\d{2})?", result, StringComparison.Ordinal);
        Assert.Contains("input $0.15, output $0.60", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PricesPage_ProbeForAnUnknownModel_SaysUnpricedNotZero()
    {
        var html = await _client.GetStringAsync(new Uri("settings/prices?test=acme-unknown-1", UriKind.Relative));

        Assert.Contains("data-testid=\"price-probe-unpriced\"", html, StringComparison.Ordinal);
        Assert.Contains("is unpriced", ProbeText(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PricesPage_ProbeTimeThatIsNotADate_ShowsTheReasonBesideTheField()
    {
        var response = await _client.GetAsync(new Uri("settings/prices?test=gpt-4o&at=yesterday", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Write the time as yyyy-MM-dd or yyyy-MM-dd HH:mm (UTC).", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"price-probe-result\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PricesPage_BuiltInPriceDeletedAfterConfirming_LeavesTheTableAndTheSnapshot()
    {
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(_app.GetRequiredService<ModelPriceService>());
        context.Services.AddSingleton(_app.GetRequiredService<PriceTableProvider>());
        context.Services.AddSingleton(_app.GetRequiredService<TraceQueries>());
        context.Services.AddSingleton(await TestPeople.CurrentProjectOfAsync(_app));
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<ILogger<PriceSettingsViewModel>>(NullLogger<PriceSettingsViewModel>.Instance);
        context.Services.AddTransient<PriceSettingsViewModel>();
        context.Services.AddSingleton(TestPeople.AnonymousAuditActor(_app.GetRequiredService<IAuditLog>()));
        context.Render<MudPopoverProvider>();
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("settings/prices?model=text-embedding-ada-002");
        var page = context.Render<Prices>();
        var tables = _app.GetRequiredService<PriceTableProvider>();
        var at = DateTimeOffset.UtcNow;
        var before = tables.Current.Resolve(null, "text-embedding-ada-002", null, at);

        page.Find("[data-testid=price-delete]").Click();
        var question = page.Find("[data-testid=price-delete-confirm]").TextContent;
        page.Find("[data-testid=price-delete-yes]").Click();

        Assert.NotNull(before);
        Assert.Contains("not brought back", question, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=price-row-match]")));
        var notice = page.Find("[data-testid=price-notice]").TextContent;
        Assert.Contains("Costs already stored are unchanged", notice, StringComparison.Ordinal);
        Assert.Null(tables.Current.Resolve(null, "text-embedding-ada-002", null, at));
    }

    [Fact]
    public async Task NavMenu_AnyPage_LinksToTheSettings()
    {
        var html = await _client.GetStringAsync(new Uri("overview", UriKind.Relative));

        Assert.Matches("href=\"/settings/prices\"[^>]*>[\\s\\S]*?Model prices", html);
    }

    /// <summary>The model match of every row, as the HTML carries it (escaped).</summary>
    private static List<string> RowMatches(string html) => [.. RowMatch().Matches(html).Select(m => m.Groups[1].Value)];

    private static string ProbeText(string html)
    {
        var start = html.IndexOf("data-testid=\"price-probe-result\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "The probe shows no result.");
        var text = Tags().Replace(html[start..html.IndexOf("</div>", start, StringComparison.Ordinal)], " ");
        return WebUtility.HtmlDecode(Spaces().Replace(text, " "));
    }

    [GeneratedRegex("data-testid=\"price-row-match\"[^>]*>([^<]*)<")]
    private static partial Regex RowMatch();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
