using System.Net;
using System.Net.Http.Json;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Traces;
using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Sessions;

public sealed class SessionApiTests(SessionApiTests.Fixture fixture) : IClassFixture<SessionApiTests.Fixture>
{
    [Fact]
    public async Task GetSession_StoredOutOfOrder_ReturnsTracesOldestFirst()
    {
        using var client = fixture.App.CreateClient();

        var session = await client.GetFromJsonAsync<SessionDetail>(new Uri("api/sessions/chat-7", UriKind.Relative));

        Assert.NotNull(session);
        Assert.Equal(
            [TraceStore.TraceId(1), TraceStore.TraceId(2), TraceStore.TraceId(3)],
            session.Traces.Select(t => t.TraceId));
        Assert.Equal(["first question", "second question", "third question"], session.Traces.Select(t => t.Input));
        Assert.Equal("ada", session.UserId);
        Assert.False(session.Truncated);
    }

    [Fact]
    public async Task GetSession_Unknown_Returns404Problem()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync(new Uri("api/sessions/no-such-session", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task GetSession_OfAnotherProject_Returns404()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync(new Uri("api/sessions/foreign-session", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetSession_WithoutKey_Returns401()
    {
        using var client = fixture.App.CreateClient(authenticated: false);

        using var response = await client.GetAsync(new Uri("api/sessions/chat-7", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SessionPage_StoredSession_ShowsTurnsInOrderWithLinks()
    {
        using var client = await fixture.App.CreateSignedInClientAsync();

        var html = await client.GetStringAsync(new Uri("sessions/chat-7", UriKind.Relative));

        var first = html.IndexOf("first question", StringComparison.Ordinal);
        var second = html.IndexOf("second question", StringComparison.Ordinal);
        var third = html.IndexOf("third question", StringComparison.Ordinal);
        Assert.True(first > 0 && first < second && second < third, "Turns are not in time order.");
        Assert.Contains($"href=\"traces/{TraceStore.TraceId(2)}\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserPage_StoredUser_ShowsSessionsVolumeErrorsAndCost()
    {
        using var client = await fixture.App.CreateSignedInClientAsync();

        var html = await client.GetStringAsync(new Uri("users/ada", UriKind.Relative));

        Assert.Matches("data-testid=\"user-trace-count\">4<", html);
        Assert.Matches("data-testid=\"user-error-count\">1<", html);
        Assert.Matches("data-testid=\"user-cost\">\\$0.04<", html);
        Assert.Contains("href=\"sessions/chat-7\"", html, StringComparison.Ordinal);
        Assert.Contains("(no session)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserPage_NoPricedTrace_ShowsCostAsUnknownAsTheTraceListDoes()
    {
        using var client = await fixture.App.CreateSignedInClientAsync();

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("users/grace", UriKind.Relative)));

        var unknown = TraceFormat.Cost(null);
        Assert.Matches("data-testid=\"user-trace-count\">2<", html);
        Assert.Contains($"data-testid=\"user-cost\">{unknown}<", html, StringComparison.Ordinal);
        Assert.Contains($"<td>{unknown}</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("$0", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUser_NoPricedTrace_AnswersNullCostNotZero()
    {
        var queries = fixture.App.GetRequiredService<SessionQueries>();
        var projectId = await new TraceStore(fixture.App).ProjectIdAsync();

        var user = await queries.GetUserAsync(projectId, "grace", CancellationToken.None);

        Assert.NotNull(user);
        Assert.Null(user.Cost);
        Assert.Null(Assert.Single(user.Sessions).Cost);
    }

    [Fact]
    public async Task UserPage_UnknownUser_Answers404SayingNotFound()
    {
        using var client = await fixture.App.CreateSignedInClientAsync();

        using var response = await client.GetAsync(new Uri("users/nobody", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"user-not-found\"", html, StringComparison.Ordinal);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public RunningApp App { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            App = await RunningApp.StartAsync();
            var store = new TraceStore(App);
            var projectId = await store.ProjectIdAsync();
            var otherProject = await store.AddProjectAsync("other");

            // Stored newest first, so order must come from the start times.
            var third = Turn(projectId, 3, 2, "third question", "<script>window.pwned = 1</script>");
            third.Status = SpanStatus.Error;
            var lone = Turn(projectId, 4, 9, "no session here", "ok");
            lone.SessionId = null;
            var foreign = Turn(otherProject, 5, 1, "foreign", "foreign");
            foreign.SessionId = "foreign-session";
            var unpriced = Enumerable.Range(6, 2)
                .Select(n =>
                {
                    var trace = Turn(projectId, n, 3, "unpriced", "unpriced");
                    trace.UserId = "grace";
                    trace.SessionId = "grace-chat";
                    trace.Cost = null;
                    return trace;
                });
            await store.AddAsync(
            [
                .. unpriced,
                third,
                Turn(projectId, 2, 1, "second question", "second answer"),
                Turn(projectId, 1, 0, "first question", "first answer"),
                lone,
                foreign,
            ]);
        }

        public async Task DisposeAsync() => await App.DisposeAsync();

        private static TraceEntity Turn(string projectId, int n, double minutes, string input, string output)
        {
            var trace = TraceStore.Trace(projectId, n, minutes);
            trace.SessionId = "chat-7";
            trace.UserId = "ada";
            trace.InputText = input;
            trace.OutputText = output;
            trace.Cost = 0.01;
            return trace;
        }
    }
}
