using System.Security.Claims;
using LlmObserve.Core;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Web.Audit;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace LlmObserve.Web.Accounts;

/// <summary>The fields of the sign-in form.</summary>
public sealed class SignInForm
{
    public string? Email { get; set; }

    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>The fields of the first-admin form.</summary>
public sealed class FirstAdminForm
{
    public string? Email { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// The account forms' targets: plain form posts with an antiforgery token, answered by a redirect, so signing in
/// works without JavaScript and the cookie is set on a normal HTTP response.
/// </summary>
internal static class AccountEndpoints
{
    /// <summary>
    /// The one message for every failed sign-in: it tells nobody whether the account exists or is locked.
    /// </summary>
    public const string GenericFailure = "The e-mail address or the password is wrong.";

    /// <summary>What a person sees when a form's antiforgery token is missing or no longer valid.</summary>
    public const string FormExpired = "The form expired; reload the page and try again.";

    public static WebApplication MapLlmObserveAccounts(this WebApplication app)
    {
        var account = app.MapGroup("/account");
        // Both forms check their token themselves (the framework's check throws, a 500): an expired form goes back
        // to the page with a message a person can act on.
        account.MapPost("/login", SignInAsync).AllowAnonymous().DisableAntiforgery();
        account.MapPost("/logout", SignOutAsync);
        account.MapPost("/first-admin", CreateFirstAdminAsync).AllowAnonymous().DisableAntiforgery();
        if (app.Services.GetRequiredService<LlmObserveOptions>().Auth.Oidc.Enabled)
        {
            account.MapGet("/oidc", ChallengeOidc).AllowAnonymous();
            account.MapGet("/oidc/done", CompleteOidcAsync).AllowAnonymous();
        }

        return app;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] SignInForm form,
        HttpContext http,
        SignInManager<AppUser> signIn,
        IAuditLog auditLog,
        IAntiforgery antiforgery,
        ILogger<SignInForm> logger)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Redirect(
                "/login?expired=1&ReturnUrl=" + Uri.EscapeDataString(LocalUrl.Safe(form.ReturnUrl)));
        }

        // Sign-ins belong to no project: the audit page shows them to instance admins. The target is the address
        // typed, so repeated attempts on one account stand out; a password never reaches the log.
        var typed = form.Email?.Trim() is { Length: > 0 } address ? address[..Math.Min(address.Length, 200)] : null;
        Task Audit(string action, string actor) => auditLog.RecordAsync(
            new AuditRecord(null, actor, action, typed, ClientIp: http.Connection.RemoteIpAddress?.ToString()),
            CancellationToken.None);

        var returnUrl = LocalUrl.Safe(form.ReturnUrl);
        var failed = "/login?failed=1&ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password))
        {
            return Results.Redirect(failed);
        }

        var user = await signIn.UserManager.FindByEmailAsync(form.Email.Trim());
        if (user is null)
        {
            // Hash anyway, so an unknown address takes as long to refuse as a wrong password.
            signIn.UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, form.Password);
            AccountsLog.SignInFailed(logger, "unknown account");
            await Audit(AuditActions.SignInFailed, AuditActor.Anonymous);
            return Results.Redirect(failed);
        }

        var result = await signIn.PasswordSignInAsync(user, form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            AccountsLog.SignedIn(logger, user.Id);
            await Audit(AuditActions.SignedIn, "user " + user.Email);
            return Results.Redirect(returnUrl);
        }

        if (result.IsLockedOut)
        {
            AccountsLog.LockedOut(logger, user.Id);
            await Audit(AuditActions.LockedOut, AuditActor.Anonymous);
        }
        else
        {
            AccountsLog.SignInFailed(logger, result.IsNotAllowed ? "not allowed" : "wrong password");
            await Audit(AuditActions.SignInFailed, AuditActor.Anonymous);
        }

        return Results.Redirect(failed);
    }

    private static async Task<IResult> SignOutAsync(
        HttpContext http,
        SignInManager<AppUser> signIn,
        IAntiforgery antiforgery,
        ILogger<SignInForm> logger)
    {
        // A form post without fields is not checked by the framework; another site must not sign people out.
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Problem(
                title: "Bad request",
                detail: "The sign-out form's antiforgery token is missing or wrong; sign out from the app.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        // A new security stamp ends the account's other cookies too (a copied one included) at their next check:
        // deleting this browser's cookie alone would leave every copy of it valid until it expires.
        if (userId is not null && await signIn.UserManager.FindByIdAsync(userId) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        if (userId is not null)
        {
            AccountsLog.SignedOut(logger, userId);
        }

        return Results.Redirect("/login?signedOut=1");
    }

    private static async Task<IResult> CreateFirstAdminAsync(
        [FromForm] FirstAdminForm form,
        HttpContext http,
        IAntiforgery antiforgery,
        AccountService accounts,
        SignInManager<AppUser> signIn,
        CancellationToken cancel)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Redirect("/setup/admin?problem=form&message=" + Uri.EscapeDataString(FormExpired));
        }

        var problems = await accounts.CreateFirstAdminAsync(form.Email, form.Password, cancel);
        if (problems.Count > 0)
        {
            var codes = string.Join(",", problems.Select(p => p.Field).Distinct());
            var messages = string.Join(" ", problems.Select(p => p.Message));
            return Results.Redirect(
                "/setup/admin?problem=" + Uri.EscapeDataString(codes) + "&message=" + Uri.EscapeDataString(messages));
        }

        var user = await signIn.UserManager.FindByEmailAsync(form.Email!.Trim());
        await signIn.SignInAsync(user!, isPersistent: false);
        return Results.Redirect("/setup");
    }

    private static IResult ChallengeOidc(string? returnUrl, SignInManager<AppUser> signIn)
    {
        var redirect = "/account/oidc/done?returnUrl=" + Uri.EscapeDataString(LocalUrl.Safe(returnUrl));
        var properties = signIn.ConfigureExternalAuthenticationProperties(
            AccountsServiceCollectionExtensions.OidcScheme,
            redirect);
        return Results.Challenge(properties, [AccountsServiceCollectionExtensions.OidcScheme]);
    }

    /// <summary>
    /// An OpenID Connect sign-in succeeds only for an existing account with the provider's verified e-mail address:
    /// the provider proves who someone is, LlmObserve's admins decide what they may see.
    /// </summary>
    private static async Task<IResult> CompleteOidcAsync(
        string? returnUrl,
        SignInManager<AppUser> signIn,
        HttpContext http,
        ILogger<SignInForm> logger)
    {
        var info = await signIn.GetExternalLoginInfoAsync();
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        var email = info?.Principal.FindFirstValue(ClaimTypes.Email) ?? info?.Principal.FindFirstValue("email");
        var user = email is null ? null : await signIn.UserManager.FindByEmailAsync(email);
        if (info is null || user is null || await signIn.UserManager.IsLockedOutAsync(user))
        {
            AccountsLog.SignInFailed(logger, "single sign-on without a matching account");
            return Results.Redirect("/login?failed=1");
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: info.LoginProvider);
        AccountsLog.SignedIn(logger, user.Id);
        return Results.Redirect(LocalUrl.Safe(returnUrl));
    }

    private static class DummyHash
    {
        public static readonly string Value =
            new PasswordHasher<AppUser>().HashPassword(new AppUser(), "not a password");
    }
}
