namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>Which client library speaks to the judge endpoint.</summary>
public enum JudgeProvider
{
    /// <summary>
    /// Any server that serves the OpenAI chat completions API under its base address: OpenAI itself, Ollama,
    /// vLLM, LM Studio. The key is sent as a bearer token.
    /// </summary>
    OpenAICompatible,

    /// <summary>An Azure OpenAI resource; <see cref="JudgeEndpointOptions.Model"/> names the deployment.</summary>
    AzureOpenAI,
}
