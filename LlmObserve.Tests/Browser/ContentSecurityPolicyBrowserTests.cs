using System.Net.Http.Json;
using LlmObserve.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmObserve.Tests.Browser;

/// <summary>
/// Every page of the app in Chromium under the app's own Content-Security-Policy: no violation is reported, no
/// console error and no uncaught script error occurs, each page's Blazor circuit connects over its WebSocket, and
/// the Plotly charts of the overview and the quality page draw.
/// </summary>
public sealed class ContentSecurityPolicyBrowserTests : IAsyncLifetime
{
    // Records every violation the document reports, from before any script of the page runs.
    private const string ViolationRecorder = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
            e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
                + ' at ' + e.sourceFile + ':' + e.lineNumber));
        """;

    // The number of drawn Plotly charts: elements Plotly.Blazor filled with data and an SVG.
    private const string DrawnCharts = """
        () => [...document.querySelectorAll('.js-plotly-plot')]
            .filter(chart => chart.data && chart.data.length > 0 && chart.querySelector('svg.main-svg')).length
        """;

    private readonly List<string> _problems = [];
    private RunningApp _app = null!;
    private BrowserSession _browser = null!;
    private HttpClient _client = null!;
    private TaskCompletionSource _circuit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _browser = await BrowserSession.StartAsync(_app);
        _client = _app.CreateClient();

        var page = _browser.Page;
        await page.Context.AddInitScriptAsync(ViolationRecorder);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_problems)
                {
                    _problems.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add("page error: " + error);
            }
        };
        page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                socket.FrameReceived += (_, _) => _circuit.TrySetResult();
            }
        };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task EveryPage_UnderTheContentSecurityPolicy_RunsWithoutViolationOrConsoleError()
    {
        var traceIds = await IngestAsync();
        var page = _browser.Page;

        await VisitAsync(page, "overview?range=1h", charts: 2);
        await VisitAsync(page, "traces");
        await VisitAsync(page, "traces/" + traceIds[0]);
        await VisitAsync(page, "sessions/csp-session");
        await VisitAsync(page, "users/csp-user");
        await VisitAsync(page, "quality?range=1h", charts: 1);
        await VisitAsync(page, "drift");
        await VisitAsync(page, "alerts");
        await VisitAsync(page, "alerts/history");
        await VisitAsync(page, "evaluations");
        await VisitAsync(page, "annotation");
        await VisitAsync(page, "calibration");
        await VisitAsync(page, "datasets");
        await VisitAsync(page, "settings/prices");
        await VisitAsync(page, "settings/judges");
        await VisitAsync(page, "settings/redaction");
        await VisitAsync(page, "settings/browser-access");
        await VisitAsync(page, "setup");

        Assert.True(_problems.Count == 0, string.Join("\n", _problems));
    }

    private async Task VisitAsync(IPage page, string path, int charts = 0)
    {
        _circuit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = await page.GotoAsync(new Uri(_app.BaseAddress, path).ToString());

        Assert.NotNull(response);
        Assert.True(response.Status == 200, $"{path} answered {response.Status}.");
        Assert.Contains(
            "script-src 'self'",
            await response.HeaderValueAsync("content-security-policy") ?? string.Empty,
            StringComparison.Ordinal);
        await _circuit.Task.WaitAsync(TimeSpan.FromSeconds(20));
        if (charts > 0)
        {
            await Poll.UntilAsync(
                async () => await page.EvaluateAsync<int>(DrawnCharts) >= charts,
                $"{charts} charts to draw on {path}");
        }

        // Scripts loaded after the circuit started (Plotly's, MudBlazor's popovers) get a moment to complain.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Task.Delay(300);
        var violations = await page.EvaluateAsync<string[]>("window.__cspViolations");
        lock (_problems)
        {
            _problems.AddRange(violations.Select(v => $"{path}: {v}"));
        }
    }

    private async Task<IReadOnlyList<string>> IngestAsync()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var ids = Enumerable.Range(1, 3)
            .Select(n => "c5b0" + n.ToString("x28", System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var traces = ids.Select((id, i) => new
        {
            id,
            name = "support-chat",
            sessionId = "csp-session",
            userId = "csp-user",
            startTime = start.AddSeconds(i),
            input = "How do I reset my password?",
            output = "Open Settings, then Security.",
            spans = new[]
            {
                new
                {
                    name = "chat gpt-4o-mini",
                    type = "generation",
                    model = "gpt-4o-mini",
                    usage = new { input = 42, output = 11 },
                },
            },
        });
        var scores = ids.Select((id, i) => new
        {
            traceId = id,
            name = "groundedness",
            value = 0.3 * (i + 1),
            label = i == 0 ? "hallucinated" : "grounded",
            explanation = "Checked against the policy.",
        });

        using var response = await _client.PostAsJsonAsync("api/ingest", new { traces, scores });
        response.EnsureSuccessStatusCode();
        return ids;
    }
}
