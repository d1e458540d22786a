using LlmObserve.Core.Accounts;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Accounts;

/// <summary>
/// Write actions of pages, called as a page's circuit would call them: the role is checked on the server at the
/// moment of the action, whatever the page showed and whatever the role was when the circuit began.
/// </summary>
public sealed class WriteActionRoleTests : IAsyncLifetime
{
    private const string Member = "member@writes.example";

    private RunningApp _app = null!;

    public async Task InitializeAsync() => _app = await RunningApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ApiKeys_AsMember_CreateAndRevokeAreRefused()
    {
        await TestPeople.AddAsync(_app, Member, ProjectRole.Member);
        var projectId = await FirstProjectAsync();
        var keys = _app.GetRequiredService<ApiKeyService>();
        var before = await keys.ListAsync(projectId, CancellationToken.None);
        using var scope = await TestPeople.SignedInScopeAsync(_app, Member);
        var model = scope.ServiceProvider.GetRequiredService<ApiKeysViewModel>();
        await model.LoadAsync(CancellationToken.None);
        model.OpenCreate();
        model.NewName = "made by a member";
        model.NewScope = ApiKeyScope.All;

        var create = await Assert.ThrowsAsync<ProjectAccessDeniedException>(
            () => model.CreateAsync(CancellationToken.None));
        var revoke = await Assert.ThrowsAsync<ProjectAccessDeniedException>(
            () => model.RevokeAsync(before[0].Id, CancellationToken.None));

        var after = await keys.ListAsync(projectId, CancellationToken.None);
        Assert.Contains("You need the admin role", create.Message, StringComparison.Ordinal);
        Assert.Contains("you are member", revoke.Message, StringComparison.Ordinal);
        Assert.Null(model.Created);
        Assert.Equal(before.Select(k => (k.Id, k.Revoked)), after.Select(k => (k.Id, k.Revoked)));
    }

    [Fact]
    public async Task RequireAsync_AfterTheRoleWasLoweredOrTakenAway_RefusesInTheSameCircuit()
    {
        var userId = await TestPeople.AddAsync(_app, Member, ProjectRole.Member);
        var projectId = await FirstProjectAsync();
        using var scope = await TestPeople.SignedInScopeAsync(_app, Member);
        var current = scope.ServiceProvider.GetRequiredService<CurrentProject>();
        var allowedAtFirst = await current.RequireAsync(ProjectRole.Member, CancellationToken.None);

        await SetRoleAsync(userId, projectId, ProjectRole.Viewer);
        var lowered = await Assert.ThrowsAsync<ProjectAccessDeniedException>(
            () => current.RequireAsync(ProjectRole.Member, CancellationToken.None));
        var stillReads = await current.RequireAsync(ProjectRole.Viewer, CancellationToken.None);
        await SetRoleAsync(userId, projectId, null);
        var removed = await Assert.ThrowsAsync<ProjectAccessDeniedException>(
            () => current.RequireAsync(ProjectRole.Viewer, CancellationToken.None));

        Assert.Equal(projectId, allowedAtFirst);
        Assert.Contains("you are viewer", lowered.Message, StringComparison.Ordinal);
        Assert.Equal(projectId, stillReads);
        Assert.Equal("You are not a member of this project.", removed.Message);
    }

    private async Task SetRoleAsync(string userId, string projectId, ProjectRole? role)
    {
        using var scope = _app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccountService>()
            .SetRoleAsync(userId, projectId, role, "test", CancellationToken.None);
    }

    private async Task<string> FirstProjectAsync()
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        return await db.Projects.OrderBy(p => p.CreatedAt).Select(p => p.Id).FirstAsync();
    }
}
