namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>The labels offline evaluators write.</summary>
public static class OfflineLabels
{
    public const string Grounded = "grounded";
    public const string Hallucinated = "hallucinated";
    public const string Relevant = "relevant";
    public const string Irrelevant = "irrelevant";
    public const string Refusal = "refusal";
    public const string Answer = "answer";
    public const string PiiFound = "pii";
    public const string NoPii = "none";
    public const string UnknownLanguage = "unknown";
}
