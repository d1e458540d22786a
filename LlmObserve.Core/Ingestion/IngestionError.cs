namespace LlmObserve.Core.Ingestion;

/// <summary>One rejected item of a batch: where it was (a JSON path or span description) and why.</summary>
public sealed record IngestionError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
