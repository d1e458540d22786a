using System.Text.Json;

namespace LlmObserve.Web.Traces;

/// <summary>
/// How one non-text message part is shown: <c>ImageDataUrl</c> is a <c>data:image/…;base64,</c> URL of an allowed
/// raster type, else null and <c>Text</c> (the part with long strings cut) is shown instead.
/// </summary>
public sealed record MessagePartView(string? ImageDataUrl, string? Kind, string Text);

/// <summary>
/// Decides how message parts are shown. Only inline raster images become an image; every other URL (remote,
/// <c>javascript:</c>, SVG, HTML data URLs) stays text, and long strings such as base64 payloads are cut so a page
/// never carries megabytes of text.
/// </summary>
public static class MessageParts
{
    /// <summary>Largest decoded image shown inline.</summary>
    public const int MaxImageBytes = 1024 * 1024;

    /// <summary>Characters of one string value shown in the text form of a part.</summary>
    public const int MaxShownStringChars = 200;

    // SVG is left out on purpose: it can carry script.
    private static readonly string[] _allowedImagePrefixes =
    [
        "data:image/png;base64,",
        "data:image/jpeg;base64,",
        "data:image/gif;base64,",
        "data:image/webp;base64,",
    ];

    public static MessagePartView Describe(JsonElement part)
    {
        var kind = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
        var url = ImageUrl(part);
        var image = url is not null && IsSafeImage(url) ? url : null;
        return new MessagePartView(image, kind, Summarise(part));
    }

    /// <summary>True for a base64 data URL of PNG, JPEG, GIF or WebP whose decoded size is within the cap.</summary>
    public static bool IsSafeImage(string url)
    {
        var prefix = _allowedImagePrefixes.FirstOrDefault(p => url.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        if (prefix is null)
        {
            return false;
        }

        var payload = url.AsSpan(prefix.Length);
        if (payload.Length == 0 || payload.Length / 4L * 3 > MaxImageBytes)
        {
            return false;
        }

        foreach (var c in payload)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                return false;
            }
        }

        return true;
    }

    private static string? ImageUrl(JsonElement part)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // OpenAI: {"type":"image_url","image_url":{"url":…}} or a bare string; others use url or image.
        foreach (var name in (string[])["image_url", "url", "image"])
        {
            if (!part.TryGetProperty(name, out var value))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            if (value.ValueKind == JsonValueKind.Object
                && value.TryGetProperty("url", out var nested)
                && nested.ValueKind == JsonValueKind.String)
            {
                return nested.GetString();
            }
        }

        // OpenTelemetry GenAI blob parts carry the bytes apart from their type.
        if (part.TryGetProperty("mime_type", out var mime) && mime.ValueKind == JsonValueKind.String
            && part.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return $"data:{mime.GetString()};base64,{content.GetString()}";
        }

        return null;
    }

    private static string Summarise(JsonElement part)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            Write(writer, part);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = element.GetString() ?? string.Empty;
                writer.WriteStringValue(text.Length <= MaxShownStringChars
                    ? text
                    : $"{text[..MaxShownStringChars]}… ({text.Length:N0} characters)");
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
