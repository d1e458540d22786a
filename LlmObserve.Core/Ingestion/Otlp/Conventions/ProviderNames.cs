namespace LlmObserve.Core.Ingestion.Otlp.Conventions;

/// <summary>
/// One name per provider (P6): OTel GenAI values are the canonical form; deprecated OTel values, OpenInference
/// and Traceloop spellings map onto them. Unknown names pass through lower-cased.
/// </summary>
internal static class ProviderNames
{
    private static readonly Dictionary<string, string?> _aliases = new(StringComparer.Ordinal)
    {
        ["_other"] = null,
        ["amazon"] = "aws.bedrock",
        ["aws"] = "aws.bedrock",
        ["bedrock"] = "aws.bedrock",
        ["aws_bedrock"] = "aws.bedrock",
        ["az.ai.inference"] = "azure.ai.inference",
        ["az.ai.openai"] = "azure.ai.openai",
        ["azure"] = "azure.ai.openai",
        ["azure_openai"] = "azure.ai.openai",
        ["azure-openai"] = "azure.ai.openai",
        ["gemini"] = "gcp.gemini",
        ["google"] = "gcp.gen_ai",
        ["google_genai"] = "gcp.gen_ai",
        ["vertex_ai"] = "gcp.vertex_ai",
        ["vertexai"] = "gcp.vertex_ai",
        ["vertex"] = "gcp.vertex_ai",
        ["watsonx"] = "ibm.watsonx.ai",
        ["mistralai"] = "mistral_ai",
        ["mistral"] = "mistral_ai",
        ["moonshot"] = "moonshot_ai",
        ["xai"] = "x_ai",
        ["together"] = "together_ai",
        ["huggingface"] = "hugging_face",
    };

    /// <summary>The canonical provider name, or null for none or <c>_OTHER</c>.</summary>
    /// <param name="value">The name as sent.</param>
    /// <param name="qualified">
    /// True for values like Vercel's <c>openai.chat</c> whose first segment is the provider.
    /// </param>
    public static string? Normalize(string? value, bool qualified = false)
    {
        var name = value?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (_aliases.TryGetValue(name, out var alias))
        {
            return alias;
        }

        if (qualified && name.IndexOf('.') is > 0 and var dot)
        {
            var head = name[..dot];
            return _aliases.TryGetValue(head, out alias) ? alias : head;
        }

        return name;
    }
}
