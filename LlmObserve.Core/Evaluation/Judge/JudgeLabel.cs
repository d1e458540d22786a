namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>A label a template lets the judge give, and the score it stands for when the judge gives none.</summary>
public sealed record JudgeLabel(string Name, double Score);
