using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Offline;

namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>
/// The offline evaluators of the process, each built the first time an evaluation needs it and shared after: the
/// MiniLM model takes about half a second and 350 MB to load, and Lingua's preloaded language models about ten
/// seconds and 1.4 GB (measured on the 2-core machine), so a process that never evaluates, or runs only the cheap
/// evaluators (refusal, PII), never pays for them.
/// </summary>
public sealed class OfflineEvaluatorCatalog : IDisposable
{
    private readonly Lazy<SentenceEmbedder> _embedder = new(() => new SentenceEmbedder());
    private readonly Lazy<LanguageIdentifier> _languages = new(() => new LanguageIdentifier(LanguageAccuracy.High));
    private readonly Dictionary<string, Lazy<IOfflineEvaluator>> _evaluators;

    public OfflineEvaluatorCatalog()
    {
        _evaluators = new Dictionary<string, Lazy<IOfflineEvaluator>>(StringComparer.Ordinal)
        {
            [EvaluatorKinds.Groundedness] = new(() => new GroundednessEvaluator(_embedder.Value)),
            [EvaluatorKinds.AnswerRelevance] = new(() => new AnswerRelevanceEvaluator(_embedder.Value)),
            [EvaluatorKinds.Refusal] = new(() => new RefusalEvaluator()),
            [EvaluatorKinds.Pii] = new(() => new PiiEvaluator()),
            [EvaluatorKinds.Language] = new(() => new LanguageEvaluator(_languages.Value)),
        };
    }

    /// <summary>
    /// The method version (<see cref="IOfflineEvaluator.Version"/>) of an offline kind, without loading it.
    /// </summary>
    /// <exception cref="ArgumentException">The kind is not an offline evaluator.</exception>
    public static string MethodOf(string kind) => kind switch
    {
        EvaluatorKinds.Groundedness => GroundednessEvaluator.Method,
        EvaluatorKinds.AnswerRelevance => AnswerRelevanceEvaluator.Method,
        EvaluatorKinds.Refusal => RefusalEvaluator.Method,
        EvaluatorKinds.Pii => PiiEvaluator.Method,
        EvaluatorKinds.Language => LanguageEvaluator.Method,
        _ => throw new ArgumentException($"'{kind}' is not an offline evaluator.", nameof(kind)),
    };

    /// <summary>The evaluator of an offline kind, loading it on first use.</summary>
    /// <exception cref="ArgumentException">The kind is not an offline evaluator.</exception>
    public IOfflineEvaluator Get(string kind)
        => _evaluators.TryGetValue(kind, out var evaluator)
            ? evaluator.Value
            : throw new ArgumentException($"'{kind}' is not an offline evaluator.", nameof(kind));

    /// <summary>The shared MiniLM embedder, loaded on first use (the drift features embed with it too).</summary>
    public SentenceEmbedder Embedder => _embedder.Value;

    /// <summary>
    /// The shared high-accuracy Lingua models, loaded on first use (the language evaluator's; the drift features read
    /// them too unless set to low accuracy).
    /// </summary>
    public LanguageIdentifier Languages => _languages.Value;

    /// <summary>Whether the evaluator of a kind was loaded already.</summary>
    public bool IsLoaded(string kind) => _evaluators.TryGetValue(kind, out var evaluator) && evaluator.IsValueCreated;

    public void Dispose()
    {
        if (_embedder.IsValueCreated)
        {
            _embedder.Value.Dispose();
        }
    }
}
