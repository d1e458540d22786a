using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Tests.Evaluation.Offline;

/// <summary>Loads the embedding model once for every test class that needs it (about a second each time).</summary>
public sealed class EmbeddingModelFixture : IDisposable
{
    public SentenceEmbedder Embedder { get; } = new();

    public void Dispose() => Embedder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class EmbeddingModelCollection : ICollectionFixture<EmbeddingModelFixture>
{
    public const string Name = "Embedding model";
}
