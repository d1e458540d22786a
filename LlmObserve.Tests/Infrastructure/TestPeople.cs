using System.Security.Claims;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Storage;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Infrastructure;

/// <summary>
/// People with a role in a project of a test store, for view models tested without a running app: the account and
/// its membership are real rows, only the sign-in is taken as done.
/// </summary>
internal static class TestPeople
{
    public static CurrentProject CurrentProjectOf(
        IDbContextFactory<LlmObserveDbContext> store,
        string projectId,
        ProjectRole role)
    {
        var userId = "user-" + Guid.NewGuid().ToString("N");
        using (var db = store.CreateDbContext())
        {
            db.Users.Add(new AppUser { Id = userId, UserName = userId + "@test", Email = userId + "@test" });
            db.ProjectMemberships.Add(new ProjectMembership { ProjectId = projectId, UserId = userId, Role = role });
            db.SaveChanges();
        }

        var principal = new ClaimsPrincipal(
            new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], authenticationType: "test"));
        return new CurrentProject(
            new SignedInUser(new FixedAuthenticationState(principal), new HttpContextAccessor()),
            new ProjectAccessQueries(store));
    }

    /// <summary>
    /// The audit actor of a page nobody is signed in to, for view models tested without a running app.
    /// </summary>
    public static AuditActor AnonymousAuditActor(IAuditLog auditLog)
        => new(
            new HttpContextAccessor(),
            auditLog,
            new SignedInUser(
                new FixedAuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())),
                new HttpContextAccessor()));

    /// <summary>A password that satisfies the rules, shared by the people tests add.</summary>
    public const string Password = "people test password 7";

    /// <summary>Adds an account with <see cref="Password"/> and a role in the app's first project.</summary>
    public static async Task<string> AddAsync(RunningApp app, string email, ProjectRole role)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        var projectId = await db.Projects.OrderBy(p => p.CreatedAt).Select(p => p.Id).FirstAsync();
        var (user, problems) = await scope.ServiceProvider.GetRequiredService<AccountService>()
            .CreateUserAsync(email, Password, projectId, role, "test", CancellationToken.None);
        return user?.Id ?? throw new InvalidOperationException(string.Join(" ", problems.Select(p => p.Message)));
    }

    /// <summary>
    /// A service scope of the running app in which the given account is signed in, as in a page's circuit: view
    /// models resolved from it work in that person's current project.
    /// </summary>
    public static async Task<IServiceScope> SignedInScopeAsync(RunningApp app, string email = RunningApp.AdminEmail)
    {
        var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Email, email)],
            authenticationType: "test"));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider
                .GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        return scope;
    }

    /// <summary>The current project as the given account sees it, for components rendered outside a circuit.</summary>
    public static async Task<CurrentProject> CurrentProjectOfAsync(RunningApp app, string email = RunningApp.AdminEmail)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LlmObserveDbContext>();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var principal = new ClaimsPrincipal(
            new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], authenticationType: "test"));
        return new CurrentProject(
            new SignedInUser(new FixedAuthenticationState(principal), new HttpContextAccessor()),
            app.Services.GetRequiredService<ProjectAccessQueries>());
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal principal) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync()
            => Task.FromResult(new AuthenticationState(principal));
    }
}
