using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace LlmObserve.Web.Accounts;

/// <summary>
/// The person behind a page, its circuit or a plain request. Components learn the user from the authentication
/// state (the only source once the circuit runs); endpoints outside Blazor have no such state and read the request.
/// </summary>
public sealed class SignedInUser(AuthenticationStateProvider authenticationState, IHttpContextAccessor accessor)
{
    private ClaimsPrincipal? _principal;

    public async Task<ClaimsPrincipal> GetPrincipalAsync()
    {
        if (_principal is not null)
        {
            return _principal;
        }

        try
        {
            _principal = (await authenticationState.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // A minimal-API request: Blazor never set an authentication state in this scope.
            _principal = accessor.HttpContext?.User ?? new ClaimsPrincipal(new ClaimsIdentity());
        }

        return _principal;
    }

    /// <summary>The account id, or null when nobody is signed in.</summary>
    public async Task<string?> GetIdAsync()
    {
        var principal = await GetPrincipalAsync();
        return principal.Identity?.IsAuthenticated == true
            ? principal.FindFirstValue(ClaimTypes.NameIdentifier)
            : null;
    }

    public async Task<string?> GetEmailAsync()
    {
        var principal = await GetPrincipalAsync();
        return principal.FindFirstValue(ClaimTypes.Email) ?? principal.Identity?.Name;
    }
}
