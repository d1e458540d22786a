using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LlmObserve.Bench;

/// <summary>
/// The <c>open</c> phase of <c>explore</c>: the real app on 127.0.0.1 over the filled store, and Debian's Chromium
/// opening the big trace's page in a fresh browser context each run (no cache, a new circuit). A script in the page
/// stamps, from the start of navigation, when the first span rows exist and when a click on the third row has
/// shown that span's details, clicking every 20 ms until the page answers: that is the time to interactive. It
/// also notes when the page arrived and when the circuit's WebSocket opened, to tell server, network and browser
/// time apart.
/// </summary>
internal static class TraceOpenBenchmark
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const int QueryRuns = 10;

    // Runs before any page script. It only watches the page and the opening of its socket, and clicks a row.
    private const string ProbeScript = """
        (() => {
          const r = { html: null, socketOpen: null, rows: null, selected: null, interactive: null, targetId: null,
            targetName: null };
          window.__traceOpen = r;
          const NativeSocket = window.WebSocket;
          window.WebSocket = class extends NativeSocket {
            constructor(...args) {
              super(...args);
              this.addEventListener('open', () => { r.socketOpen = performance.now(); });
            }
          };
          const rowOf = id => document.querySelector(`[data-testid=span-row][data-span-id="${id}"]`);
          const check = () => {
            const rows = document.querySelectorAll('[data-testid=span-row]');
            if (rows.length === 0) { return; }
            if (r.rows === null) {
              r.rows = performance.now();
              r.html = performance.getEntriesByType('navigation')[0]?.responseEnd ?? null;
            }
            if (r.targetId === null) {
              const row = rows[Math.min(2, rows.length - 1)];
              r.targetId = row.getAttribute('data-span-id');
              r.targetName = row.querySelector('[data-testid=span-name]').textContent.trim();
            }
            const target = rowOf(r.targetId);
            if (r.selected === null && target && target.getAttribute('aria-selected') === 'true') {
              r.selected = performance.now();
            }
            const name = document.querySelector('[data-testid=span-detail-name]');
            if (r.selected !== null && r.interactive === null && name && name.textContent.trim() === r.targetName) {
              r.interactive = performance.now();
            }
          };
          new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true,
            characterData: true });
          const timer = setInterval(() => {
            check();
            if (r.interactive !== null) { clearInterval(timer); return; }
            if (r.targetId !== null && r.selected === null) { rowOf(r.targetId)?.click(); }
          }, 20);
        })();
        """;

    public static async Task RunAsync(string dataDirectory, string bigTraceId, int runs)
    {
        if (!File.Exists(ChromiumPath))
        {
            Console.WriteLine($"open: skipped, {ChromiumPath} is missing (apt-get install -y chromium)");
            return;
        }

        var started = Stopwatch.StartNew();
        var app = LlmObserveApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--LlmObserve:DataDirectory", dataDirectory,
            "--Logging:LogLevel:Default", "Warning",
            "--LlmObserve:Drift:Features:Enabled", "false",
            "--Logging:LogLevel:Microsoft.AspNetCore.StaticFiles", "Error",
            "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error",
        ]);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.First().TrimEnd('/');
            Console.WriteLine();
            Console.WriteLine($"open: app started in {started.Elapsed.TotalSeconds:F1} s at {address}");
            var url = $"{address}/traces/{bigTraceId}";
            var opens = await OpenInBrowserAsync(url, runs + 1);
            var (outline, full) = await TimeQueriesAsync(app, bigTraceId);
            Report(opens, outline, full);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<List<OpenTimes>> OpenInBrowserAsync(string url, int opens)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });

        var results = new List<OpenTimes>(opens);
        for (var i = 0; i < opens; i++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            });
            await context.AddInitScriptAsync(ProbeScript);
            var page = await context.NewPageAsync();
            await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.WaitForFunctionAsync(
                "() => window.__traceOpen && window.__traceOpen.interactive !== null",
                null,
                new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 10 });
            var times = JsonSerializer.Deserialize<OpenTimes>(
                await page.EvaluateAsync<string>("() => JSON.stringify(window.__traceOpen)"))!;
            var rendered = await page.Locator("[data-testid=span-row]").CountAsync();
            Console.WriteLine(
                $"open {i + 1}: page {times.Html:F0} ms, socket open {times.SocketOpen:F0} ms, "
                + $"rows {times.Rows:F0} ms, interactive {times.Interactive:F0} ms");
            results.Add(times with { RenderedRows = rendered });

            // The closed context ends the circuit; a short pause lets the server drop it before the next open.
            await context.CloseAsync();
            await Task.Delay(300);
        }

        return results;
    }

    private static async Task<(List<double> Outline, List<double> Full)> TimeQueriesAsync(
        WebApplication app,
        string traceId)
    {
        var traces = app.Services.GetRequiredService<TraceQueries>();
        var spans = app.Services.GetRequiredService<SpanQueries>();
        var projectId = (await traces.FirstProjectIdAsync(default))!;
        var outline = new List<double>();
        var full = new List<double>();
        for (var i = 0; i < QueryRuns; i++)
        {
            var watch = Stopwatch.StartNew();
            _ = await spans.GetOutlineAsync(projectId, traceId, default);
            outline.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            _ = await traces.GetAsync(projectId, traceId, default);
            full.Add(watch.Elapsed.TotalMilliseconds);
        }

        return (outline, full);
    }

    private static void Report(List<OpenTimes> opens, List<double> outline, List<double> full)
    {
        var first = opens[0];
        var rest = opens.Skip(1).ToList();
        Console.WriteLine(
            "| open the big trace in Chromium (ms from navigation) | page received | rows visible | interactive "
            + "| rendered rows |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine(
            $"| first open after app start | {first.Html:F0} | {first.Rows:F0} | {first.Interactive:F0} "
            + $"| {first.RenderedRows} |");
        Console.WriteLine(
            $"| next {rest.Count} opens, fresh context each: p50 | {Percentile(rest, o => o.Html, 50):F0} "
            + $"| {Percentile(rest, o => o.Rows, 50):F0} | {Percentile(rest, o => o.Interactive, 50):F0} "
            + $"| {rest[0].RenderedRows} |");
        Console.WriteLine(
            $"| same, p95 | {Percentile(rest, o => o.Html, 95):F0} | {Percentile(rest, o => o.Rows, 95):F0} | "
            + $"{Percentile(rest, o => o.Interactive, 95):F0} | |");
        Console.WriteLine(
            $"query only ({QueryRuns} runs, warm): outline (what the page loads) "
            + $"p50 {Percentile(outline, x => x, 50):F0} ms, p95 {Percentile(outline, x => x, 95):F0} ms; "
            + $"every column (GET /api/traces/{{id}}) "
            + $"p50 {Percentile(full, x => x, 50):F0} ms, p95 {Percentile(full, x => x, 95):F0} ms");
        Console.WriteLine("target: big trace interactive < 1 s");
    }

    private static double Percentile<T>(List<T> values, Func<T, double> of, int percentile)
        => BenchHelpers.Percentile([.. values.Select(of)], percentile);

    private sealed record OpenTimes(
        [property: JsonPropertyName("html")] double Html,
        [property: JsonPropertyName("socketOpen")] double? SocketOpen,
        [property: JsonPropertyName("rows")] double Rows,
        [property: JsonPropertyName("selected")] double Selected,
        [property: JsonPropertyName("interactive")] double Interactive)
    {
        public int RenderedRows { get; init; }
    }
}
