using LlmObserve.Core;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Storage;
using LlmObserve.Web.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Web.Accounts;

/// <summary>One account on the users page: an instance admin is admin of every project.</summary>
public sealed record AccountRow(string UserId, string Email, bool IsInstanceAdmin, ProjectRole? Role);

/// <summary>Why creating an account failed, in words a person can act on.</summary>
public sealed record AccountProblem(string Field, string Message);

/// <summary>
/// Creates accounts: the first admin (from the set-up page or <c>LlmObserve:Init:Admin*</c>) and, for admins,
/// everyone after. The first admin is an instance admin, admin of every project that exists or will.
/// </summary>
public sealed class AccountService(
    UserManager<AppUser> users,
    LlmObserveDbContext db,
    LlmObserveOptions options,
    TimeProvider timeProvider,
    IAuditLog auditLog,
    ILogger<AccountService> logger)
{
    // One first-admin attempt at a time in this process; the immediate transaction covers other processes.
    private static readonly SemaphoreSlim _firstAdminGate = new(1, 1);

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken)
        => db.Users.AnyAsync(cancellationToken);

    /// <summary>
    /// Creates the instance admin if, and only if, no account exists yet. Two visitors racing on the set-up page
    /// get one admin: the loser sees <c>first-admin-exists</c>.
    /// </summary>
    public async Task<IReadOnlyList<AccountProblem>> CreateFirstAdminAsync(
        string? email,
        string? password,
        CancellationToken cancellationToken)
    {
        var problems = CheckInput(email, password);
        if (problems.Count > 0)
        {
            return problems;
        }

        await _firstAdminGate.WaitAsync(cancellationToken);
        try
        {
            // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is held from the count to the insert.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.Users.AnyAsync(cancellationToken))
            {
                return [new AccountProblem("first-admin-exists", "An admin exists already: sign in instead.")];
            }

            var user = NewUser(email!, instanceAdmin: true);
            var result = await users.CreateAsync(user, password!);
            if (!result.Succeeded)
            {
                return Describe(result);
            }

            await transaction.CommitAsync(cancellationToken);
            AccountsLog.FirstAdminCreated(logger, "set-up page");
            await RecordFirstAdminAsync(user, "set-up page");
            return [];
        }
        finally
        {
            _firstAdminGate.Release();
        }
    }

    /// <summary>
    /// Headless set-up: with <c>LlmObserve:Init:AdminEmail</c> and <c>AdminPassword</c> set, makes sure that account
    /// exists as an instance admin. Idempotent; an existing account's password is left as its owner set it.
    /// </summary>
    public async Task EnsureInitAdminAsync(CancellationToken cancellationToken)
    {
        var init = options.Init;
        if (string.IsNullOrWhiteSpace(init.AdminEmail) || string.IsNullOrEmpty(init.AdminPassword))
        {
            return;
        }

        var existing = await users.FindByEmailAsync(init.AdminEmail);
        if (existing is not null)
        {
            if (!existing.IsInstanceAdmin)
            {
                existing.IsInstanceAdmin = true;
                await users.UpdateAsync(existing);
            }

            return;
        }

        var result = await users.CreateAsync(NewUser(init.AdminEmail.Trim(), instanceAdmin: true), init.AdminPassword);
        if (!result.Succeeded)
        {
            // The validator checks the password rules at start; what remains here is the store's own refusal.
            throw new InvalidOperationException(
                "LlmObserve:Init:AdminEmail could not be created: "
                + string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        AccountsLog.FirstAdminCreated(logger, "LlmObserve:Init settings");
        var created = await users.FindByEmailAsync(init.AdminEmail.Trim());
        if (created is not null)
        {
            await RecordFirstAdminAsync(created, "LlmObserve:Init settings");
        }
    }

    /// <summary>
    /// The first admin in the audit log, instance-wide (no project): whoever reached the set-up page first, or the
    /// deployment's settings, made the most powerful account there is.
    /// </summary>
    private Task RecordFirstAdminAsync(AppUser user, string via)
        => auditLog.RecordAsync(
            new AuditRecord(
                null,
                AuditActor.Anonymous,
                AuditActions.UserCreated,
                user.Email,
                new { instanceAdmin = true, via }),
            CancellationToken.None);

    /// <summary>Adds an account with an initial password and, when given, a role in one project.</summary>
    public async Task<(AppUser? User, IReadOnlyList<AccountProblem> Problems)> CreateUserAsync(
        string? email,
        string? password,
        string? projectId,
        ProjectRole? role,
        string actorId,
        CancellationToken cancellationToken)
    {
        var problems = CheckInput(email, password);
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        if (await users.FindByEmailAsync(email!.Trim()) is not null)
        {
            return (null, [new AccountProblem("email", "An account with this e-mail address exists already.")]);
        }

        var user = NewUser(email, instanceAdmin: false);
        var result = await users.CreateAsync(user, password!);
        if (!result.Succeeded)
        {
            return (null, Describe(result));
        }

        AccountsLog.UserCreated(logger, user.Id, actorId);
        await auditLog.RecordAsync(
            new AuditRecord(projectId, await ActorNameAsync(actorId), AuditActions.UserCreated, user.Email),
            CancellationToken.None);
        if (projectId is not null && role is { } granted)
        {
            await SetRoleAsync(user.Id, projectId, granted, actorId, cancellationToken);
        }

        return (user, []);
    }

    /// <summary>Gives a person a role in a project, replacing the one they had; null takes them out of it.</summary>
    public async Task SetRoleAsync(
        string userId,
        string projectId,
        ProjectRole? role,
        string actorId,
        CancellationToken cancellationToken)
    {
        var membership = await db.ProjectMemberships
            .FirstOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == userId, cancellationToken);
        if (role is not { } granted)
        {
            if (membership is not null)
            {
                db.ProjectMemberships.Remove(membership);
            }
        }
        else if (membership is null)
        {
            db.ProjectMemberships.Add(new ProjectMembership
            {
                ProjectId = projectId,
                UserId = userId,
                Role = granted,
                CreatedAt = timeProvider.GetUtcNow(),
            });
        }
        else
        {
            membership.Role = granted;
        }

        await db.SaveChangesAsync(cancellationToken);
        AccountsLog.RoleChanged(logger, userId, projectId, role?.Name() ?? "none", actorId);
        var target = await db.Users.Where(u => u.Id == userId)
            .Select(u => u.Email)
            .FirstOrDefaultAsync(cancellationToken);
        await auditLog.RecordAsync(
            new AuditRecord(
                projectId,
                await ActorNameAsync(actorId),
                AuditActions.RoleChanged,
                target ?? userId,
                new { role = role?.Name() ?? "none" }),
            CancellationToken.None);
    }

    /// <summary>Everyone's account with their role in one project (null: not a member).</summary>
    public async Task<IReadOnlyList<AccountRow>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        var rows = await (
                from u in db.Users.AsNoTracking()
                join m in db.ProjectMemberships.AsNoTracking().Where(m => m.ProjectId == projectId)
                    on u.Id equals m.UserId into joined
                from m in joined.DefaultIfEmpty()
                select new { u.Id, u.Email, u.IsInstanceAdmin, Role = m == null ? (ProjectRole?)null : m.Role })
            .ToListAsync(cancellationToken);
        return rows
            .Select(r => new AccountRow(
                r.Id,
                r.Email ?? r.Id,
                r.IsInstanceAdmin,
                r.IsInstanceAdmin ? ProjectRole.Admin : r.Role))
            .OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>A person changes their own password; the current one must be right.</summary>
    public async Task<IReadOnlyList<AccountProblem>> ChangePasswordAsync(
        string userId,
        string? currentPassword,
        string? newPassword)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword))
        {
            return [new AccountProblem("password", "Enter the current and the new password.")];
        }

        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            return result.Errors
                .Select(e => new AccountProblem(
                    "password",
                    e.Code == "PasswordMismatch" ? "The current password is wrong." : e.Description))
                .ToList();
        }

        AccountsLog.PasswordChanged(logger, userId);
        await auditLog.RecordAsync(
            new AuditRecord(null, "user " + user.Email, AuditActions.PasswordChanged, user.Email),
            CancellationToken.None);
        return [];
    }

    /// <summary>
    /// How the audit log names the person who acted: their e-mail address, else what the caller gave.
    /// </summary>
    private async Task<string> ActorNameAsync(string actorId)
        => await db.Users.Where(u => u.Id == actorId).Select(u => u.Email).FirstOrDefaultAsync() is { } email
            ? "user " + email
            : actorId;

    internal AppUser NewUser(string email, bool instanceAdmin) => new()
    {
        UserName = email.Trim(),
        Email = email.Trim(),
        EmailConfirmed = true,
        IsInstanceAdmin = instanceAdmin,
        CreatedAt = timeProvider.GetUtcNow(),
    };

    internal static List<AccountProblem> CheckInput(string? email, string? password)
    {
        var problems = new List<AccountProblem>();
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal) || email.Length > 256)
        {
            problems.Add(new AccountProblem("email", "Enter an e-mail address (name@example.com)."));
        }

        if (string.IsNullOrEmpty(password))
        {
            problems.Add(new AccountProblem("password", "Enter a password."));
        }

        return problems;
    }

    internal static List<AccountProblem> Describe(IdentityResult result)
        => result.Errors
            .Select(e => new AccountProblem(
                e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email",
                e.Description))
            .ToList();
}
