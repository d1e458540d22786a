namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>What a judge reads from one trace or span; the same fields as the offline evaluators read.</summary>
/// <param name="Input">The question or prompt the application answered; may be empty.</param>
/// <param name="Output">The application's answer.</param>
/// <param name="RetrievedContext">The documents retrieved for the answer, in retrieval order.</param>
/// <param name="ExpectedOutput">A reference answer, when a dataset provides one.</param>
/// <param name="Metadata">Trace attributes a custom template may show the judge.</param>
public sealed record JudgeInput(
    string Input,
    string Output,
    IReadOnlyList<string> RetrievedContext,
    string? ExpectedOutput = null,
    IReadOnlyDictionary<string, string>? Metadata = null);
