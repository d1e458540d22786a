using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Feedback;
using LlmObserve.Web.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Audit;

/// <summary>
/// Changes made on the pages are recorded too, through the view models the pages use, in the name of the page's
/// actor (anonymous until accounts exist); the audit page's view model filters and pages them.
/// </summary>
public sealed class AuditPageActionsTests : IAsyncLifetime
{
    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BrowserAccessAndKeysPages_Changes_AreRecordedInTheAdminsNameAndListedByTheAuditPage()
    {
        using var scope = await TestPeople.SignedInScopeAsync(_app);
        var browser = scope.ServiceProvider.GetRequiredService<BrowserAccessViewModel>();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeysViewModel>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditViewModel>();
        await browser.LoadAsync(CancellationToken.None);
        await keys.LoadAsync(CancellationToken.None);

        browser.OriginsText = "https://shop.example.com";
        await browser.SaveOriginsAsync(CancellationToken.None);
        await browser.CreateKeyAsync(CancellationToken.None);
        await browser.RevokeAsync(browser.CreatedKey!.Id, CancellationToken.None);
        keys.OpenCreate();
        keys.NewName = "batch importer";
        keys.NewScope = ApiKeyScope.Ingest;
        await keys.CreateAsync(CancellationToken.None);
        var created = keys.Created!;
        keys.CloseCreate();
        await keys.RevokeAsync(created.Key.Id, CancellationToken.None);
        await audit.LoadAsync(CancellationToken.None);
        var all = audit.Page!.Events.Select(e => e.Action).ToList();
        audit.Action = AuditActions.KeyCreated;
        await audit.ApplyAsync(CancellationToken.None);
        var filtered = audit.Page!.Events;
        audit.Action = string.Empty;
        audit.From = "tomorrow";
        await audit.ApplyAsync(CancellationToken.None);

        Assert.Equal(
            [
                AuditActions.KeyRevoked, AuditActions.KeyCreated, AuditActions.BrowserKeyRevoked,
                AuditActions.BrowserKeyCreated, AuditActions.FeedbackOriginsChanged,

                // The test app's first admin, made at start and shown to the instance admin.
                AuditActions.UserCreated,
            ],
            all);
        Assert.All(audit.Page!.Events, e => Assert.Equal("user " + RunningApp.AdminEmail, e.Actor));
        var keyCreated = Assert.Single(filtered);
        Assert.Equal(created.Key.PublicKey, keyCreated.Target);
        Assert.Equal("ingest", keyCreated.Detail?.GetProperty("scope").GetString());
        Assert.DoesNotContain(
            created.SecretKey,
            keyCreated.Detail?.GetRawText() ?? string.Empty,
            StringComparison.Ordinal);
        Assert.Null(keys.Created);
        Assert.True(audit.Errors.ContainsKey("from"));
        string[] recorded =
        [
            AuditActions.BrowserKeyCreated, AuditActions.FeedbackOriginsChanged, AuditActions.KeyCreated,
            AuditActions.KeyRevoked, AuditActions.BrowserKeyRevoked, AuditActions.UserCreated,
        ];
        Assert.Equal(recorded.Order(StringComparer.Ordinal), audit.Actions);
    }

    [Fact]
    public void OtlpEnvironment_ForAKey_IsWhatAnSdkReads()
    {
        var text = ApiKeysViewModel.OtlpEnvironment("http://127.0.0.1:5000/", "sk-lo-abc");

        Assert.Equal(
            "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:5000\n"
                + "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n"
                + "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20sk-lo-abc",
            text);
    }
}
