namespace LlmObserve.Core.Alerts;

/// <summary>
/// A webhook or Slack address is a credential: whoever knows a Slack incoming-webhook path, or a <c>?token=</c>
/// query, can post to the channel. So the stored address is write-only, like the SMTP password: views show only its
/// scheme, host and port, and failure reasons that quote it (a client error, a receiver's 404 page echoing the path)
/// have its secret parts cut out before they are stored or shown.
/// </summary>
public static class AlertChannelUrl
{
    /// <summary>What stands for the hidden part of an address.</summary>
    public const string Hidden = "…";

    /// <summary>Path segments and query values at least this long are cut out of reasons on their own.</summary>
    private const int MinSecretPartLength = 8;

    /// <summary>
    /// The address as views show it: <c>https://hooks.slack.com/…</c>. No character of the path, query, fragment or
    /// user information is kept (not even the last few, which would give away all of a short token), so nothing
    /// of the secret can be rebuilt from it; the channel's name tells channels to the same host apart.
    /// </summary>
    public static string? Mask(string? url)
    {
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var address))
        {
            return Hidden;
        }

        var origin = address.Scheme + "://" + address.Authority;
        var bare = address.UserInfo.Length == 0 && address.PathAndQuery == "/" && address.Fragment.Length == 0;
        return bare ? origin + "/" : origin + "/" + Hidden;
    }

    /// <summary>
    /// Whether <paramref name="url"/> is a masked address sent back as if it were the real one (a client that read
    /// a channel and wrote it back unchanged); saving it would replace the working address with a broken one.
    /// </summary>
    public static bool LooksMasked(string url)
        => url.EndsWith("/" + Hidden, StringComparison.Ordinal)
            || url.EndsWith("/%E2%80%A6", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="text"/> with every part of <paramref name="url"/> that may carry its secret replaced: the
    /// whole address by its masked form, then its path and query (as sent and decoded), user information, and each
    /// long path segment or query value alone.
    /// </summary>
    public static string? Redact(string? text, string? url)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrWhiteSpace(url))
        {
            return text;
        }

        var masked = Mask(url)!;
        var result = Replace(text, url.Trim(), masked);
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address))
        {
            return result;
        }

        result = Replace(result, address.AbsoluteUri, masked);
        result = Replace(result, address.OriginalString, masked);
        foreach (var part in SecretParts(address).OrderByDescending(p => p.Length))
        {
            result = Replace(result, part, Hidden);
        }

        return result;
    }

    private static IEnumerable<string> SecretParts(Uri address)
    {
        var whole = new List<string>();
        if (address.PathAndQuery.Length > 1)
        {
            whole.Add(address.PathAndQuery);
            whole.Add(Uri.UnescapeDataString(address.PathAndQuery));
        }

        if (address.Query.Length > 1)
        {
            whole.Add(address.Query[1..]);
        }

        if (address.UserInfo.Length > 0)
        {
            whole.Add(address.UserInfo);
        }

        // Short pieces alone ("hook", "v1") are common words; cutting them out would garble a reason for nothing.
        var segments = address.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var values = address.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var pieces = segments.Concat(values)
            .SelectMany(piece => new[] { piece, Uri.UnescapeDataString(piece) })
            .Where(piece => piece.Length >= MinSecretPartLength);
        return whole.Concat(pieces).Distinct(StringComparer.Ordinal);
    }

    private static string Replace(string text, string part, string by)
        => part.Length == 0 ? text : text.Replace(part, by, StringComparison.OrdinalIgnoreCase);
}
