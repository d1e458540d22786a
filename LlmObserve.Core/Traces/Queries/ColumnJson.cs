using System.Text.Json;

namespace LlmObserve.Core.Traces.Queries;

/// <summary>Decodes JSON columns for reading.</summary>
internal static class ColumnJson
{
    // A column written by an older or faulty writer must not make the whole trace unreadable,
    // so a value that does not decode reads as absent.
    public static T? Decode<T>(string? json)
        where T : class
    {
        try
        {
            return StoreJson.Deserialize<T>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement? DecodeElement(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<JsonElement>(json, StoreJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
