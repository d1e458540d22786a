namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// Where a judge is asked and how patiently. Deliberately a class, not a record: a record would print the key
/// in its generated <c>ToString</c>.
/// </summary>
public sealed class JudgeEndpointOptions
{
    public JudgeProvider Provider { get; init; } = JudgeProvider.OpenAICompatible;

    /// <summary>
    /// The base address, e.g. the one ending in /v1 for OpenAI-compatible servers or the resource address for
    /// Azure. No default: a judge only talks to an endpoint someone configured.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The model name, or for Azure OpenAI the deployment name.</summary>
    public string Model { get; init; } = string.Empty;

    /// <summary>
    /// The Azure OpenAI API version (<see cref="JudgeProviderNames.AzureApiVersions"/>); null for the client's
    /// newest. Ignored for OpenAI-compatible servers.
    /// </summary>
    public string? ApiVersion { get; init; }

    /// <summary>Sampling temperature asked of the judge. Default 0, so the same trace gets the same verdict.</summary>
    public float Temperature { get; init; }

    /// <summary>
    /// The key. Never logged, never put in an exception message or a result. Local servers that need none
    /// (Ollama, LM Studio) may leave it empty.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>How long one HTTP attempt may take before it counts as timed out. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per judge call, the first included, on 429, 5xx and timeouts. Default 4.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The backoff before the second attempt when the server gives no Retry-After; doubles after.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between attempts. A Retry-After longer than this ends the call as rate limited instead
    /// of holding a slot for minutes. Default 60 s.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests in flight at once to this endpoint, across all evaluators using it. Default 4.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Price of a million prompt tokens, in the currency the budget is kept in. Default 0.</summary>
    public decimal InputPricePerMillionTokens { get; init; }

    /// <summary>Price of a million completion tokens. Default 0.</summary>
    public decimal OutputPricePerMillionTokens { get; init; }

    /// <summary>
    /// Ask for <c>response_format: json_object</c>. On by default; turn off for servers that reject it. The
    /// parser copes with prose either way.
    /// </summary>
    public bool RequestJsonFormat { get; init; } = true;

    /// <summary>A cap on the completion's tokens; null leaves it to the server (judges leave it).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Every problem with these options at once, so a settings page can show them together.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        if (Endpoint is null)
        {
            errors.Add("The judge endpoint is missing.");
        }
        else if (!Endpoint.IsAbsoluteUri
            || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("The judge endpoint must be an absolute http or https address.");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            errors.Add(Provider == JudgeProvider.AzureOpenAI
                ? "The Azure OpenAI deployment name is missing."
                : "The judge model name is missing.");
        }

        if (Provider == JudgeProvider.AzureOpenAI && string.IsNullOrWhiteSpace(ApiKey))
        {
            errors.Add("Azure OpenAI needs a key.");
        }

        if (Provider == JudgeProvider.AzureOpenAI && ApiVersion is not null
            && !JudgeProviderNames.AzureApiVersions.Contains(ApiVersion))
        {
            errors.Add($"The Azure OpenAI API version must be one of "
                + $"{string.Join(", ", JudgeProviderNames.AzureApiVersions)}.");
        }

        if (!(Temperature >= 0 && Temperature <= 2))
        {
            errors.Add("The judge temperature must lie between 0 and 2.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("The judge timeout must be positive.");
        }

        if (MaxAttempts < 1)
        {
            errors.Add("The judge needs at least one attempt per call.");
        }

        if (BaseRetryDelay < TimeSpan.Zero || MaxRetryDelay < BaseRetryDelay)
        {
            errors.Add("The retry delays must be non-negative, the longest at least the base.");
        }

        if (MaxConcurrency < 1)
        {
            errors.Add("The judge concurrency cap must be at least 1.");
        }

        if (InputPricePerMillionTokens < 0 || OutputPricePerMillionTokens < 0)
        {
            errors.Add("Token prices cannot be negative.");
        }

        return errors;
    }

    /// <summary>
    /// The endpoint as it may appear in logs and messages: scheme, host, port and path, never user info or
    /// query.
    /// </summary>
    public string DisplayEndpoint =>
        Endpoint is null || !Endpoint.IsAbsoluteUri
            ? "(none)"
            : $"{Endpoint.Scheme}://{Endpoint.Authority}{Endpoint.AbsolutePath}";

    /// <inheritdoc/>
    public override string ToString() => $"{Provider} {DisplayEndpoint} model {Model}";
}
