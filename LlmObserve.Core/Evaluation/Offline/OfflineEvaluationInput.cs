namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>What an offline evaluator reads from one trace or span.</summary>
/// <param name="Input">The question or prompt the application answered; may be empty.</param>
/// <param name="Output">The application's answer.</param>
/// <param name="RetrievedContext">The documents retrieved for the answer, in retrieval order.</param>
/// <param name="ExpectedOutput">A reference answer, when a dataset provides one.</param>
public sealed record OfflineEvaluationInput(
    string Input,
    string Output,
    IReadOnlyList<string> RetrievedContext,
    string? ExpectedOutput = null)
{
    /// <summary>
    /// Embeddings already made for this trace by another evaluator, shared through the memo; null to embed afresh.
    /// </summary>
    public EmbeddingMemo? Embeddings { get; init; }

    /// <summary>An input with an answer and nothing else.</summary>
    public static OfflineEvaluationInput ForOutput(string output) => new(string.Empty, output, []);
}
