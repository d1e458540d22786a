namespace LlmObserve.Web.Accounts;

/// <summary>Where to go after signing in: only a path of this app, never another site (no open redirect).</summary>
public static class LocalUrl
{
    public const string Home = "/";

    /// <summary>
    /// The return address when it is a local path (<c>/traces?x=1</c>); else the home page. Refused: absolute URLs,
    /// scheme-relative ones (<c>//evil</c>), backslash tricks (<c>/\evil</c>) and control characters.
    /// </summary>
    public static string Safe(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2048 || returnUrl[0] != '/')
        {
            return Home;
        }

        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\'))
        {
            return Home;
        }

        if (returnUrl.Any(c => char.IsControl(c) || c == '\\'))
        {
            return Home;
        }

        return returnUrl;
    }
}
