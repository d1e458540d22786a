namespace LlmObserve.Core.Accounts;

/// <summary>
/// Sign-in settings (<c>LlmObserve:Auth</c>): lockout, session length and an optional OpenID Connect login.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Wrong passwords in a row after which an account is locked.</summary>
    public int LockoutFailures { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public double LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// Hours a sign-in lasts without use; each request in the second half of the window renews it (sliding).
    /// </summary>
    public double SessionHours { get; set; } = 8;

    /// <summary>
    /// Seconds after which a sign-in cookie is checked against the account again. Signing out and changing the
    /// password end every session of the account (a copied cookie included) within this time; a check also renews
    /// the cookie, so 0 (every request) sends a new cookie with every answer.
    /// </summary>
    public double SessionCheckSeconds { get; set; } = 60;

    /// <summary>Shortest accepted password; no character classes are required (long beats complicated).</summary>
    public int PasswordMinLength { get; set; } = 12;

    public OidcOptions Oidc { get; set; } = new();
}

/// <summary>
/// An OpenID Connect provider people may sign in with besides their password. Off while <see cref="Authority"/> is
/// empty. A person signing in this way must already have an account with the same e-mail address.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The issuer, e.g. <c>https://login.example.com/realms/team</c> (HTTPS).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The label of the button on the sign-in page.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
