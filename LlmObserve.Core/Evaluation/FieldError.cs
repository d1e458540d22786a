namespace LlmObserve.Core.Evaluation;

/// <summary>Why a setting was refused, naming the field at fault as the API spells it (e.g. "judge.prompt").</summary>
public sealed record FieldError(string Field, string Message);
