namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// A judge endpoint configured in Settings: an Azure OpenAI resource or any OpenAI-compatible server. The key is kept
/// only as ciphertext (<see cref="ISecretProtector"/>); nothing reads it back but the client that calls the judge.
/// </summary>
public sealed class JudgeEndpoint
{
    public long Id { get; set; }

    public required string ProjectId { get; set; }

    /// <summary>A name to pick the endpoint by; unique in its project.</summary>
    public required string Name { get; set; }

    /// <summary>One of <see cref="JudgeProviderNames"/>.</summary>
    public required string Provider { get; set; }

    /// <summary>The base address (ending in /v1 for most OpenAI-compatible servers; the resource for Azure).</summary>
    public required string BaseUrl { get; set; }

    /// <summary>The default model, or for Azure OpenAI the deployment.</summary>
    public required string Model { get; set; }

    /// <summary>The Azure OpenAI API version; null for OpenAI-compatible servers.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>The key as protected ciphertext; null when the server needs none.</summary>
    public string? ProtectedApiKey { get; set; }

    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>HTTP attempts per judge call on 429, 5xx and timeouts, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Requests in flight at once to this endpoint.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>US dollars per million prompt tokens, for the daily cost caps.</summary>
    public decimal InputPricePerMillion { get; set; }

    public decimal OutputPricePerMillion { get; set; }

    /// <summary>Ask for a JSON object reply; off for servers that reject <c>response_format</c>.</summary>
    public bool RequestJsonFormat { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Changes with every save, so clients built from the old settings are rebuilt.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>How providers are named in the store and the API.</summary>
public static class JudgeProviderNames
{
    public const string OpenAICompatible = "openai-compatible";
    public const string AzureOpenAI = "azure-openai";

    public static IReadOnlyList<string> All { get; } = [OpenAICompatible, AzureOpenAI];

    /// <summary>The Azure OpenAI API versions the client library speaks, newest first.</summary>
    public static IReadOnlyList<string> AzureApiVersions { get; } = ["2024-10-21", "2024-06-01"];

    public static JudgeProvider? Parse(string? name) => name switch
    {
        OpenAICompatible => JudgeProvider.OpenAICompatible,
        AzureOpenAI => JudgeProvider.AzureOpenAI,
        _ => null,
    };
}

/// <summary>
/// Encrypts secrets at rest (ASP.NET Core Data Protection in the host, its key ring in the data directory).
/// </summary>
public interface ISecretProtector
{
    string Protect(string secret);

    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// The ciphertext was made with a key this host no longer has, or was altered.
    /// </exception>
    string Unprotect(string ciphertext);
}
