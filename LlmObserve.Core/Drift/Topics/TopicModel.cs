using System.Text.RegularExpressions;
using LlmObserve.Core.Drift.Embeddings;

namespace LlmObserve.Core.Drift.Topics;

/// <summary>A topic: a cluster of input embeddings and its most distinctive words.</summary>
public sealed record Topic(int Id, IReadOnlyList<string> Keywords, int Size)
{
    /// <summary>The first keywords joined, for a chart legend.</summary>
    public string Label => Keywords.Count == 0 ? $"topic {Id}" : string.Join(", ", Keywords.Take(3));
}

/// <summary>How a topic model is fitted.</summary>
public sealed record TopicModelOptions
{
    /// <summary>Number of topics; null to choose by silhouette over <see cref="MinK"/>..<see cref="MaxK"/>.</summary>
    public int? K { get; init; }

    public int MinK { get; init; } = 2;

    public int MaxK { get; init; } = 8;

    public int Seed { get; init; }

    /// <summary>Keywords kept per topic.</summary>
    public int Keywords { get; init; } = 5;

    /// <summary>
    /// Quantile of the training vectors' distance to their centroid beyond which a new vector is "unassigned"
    /// (fits no known topic).
    /// </summary>
    public double OutlierQuantile { get; init; } = 0.99;
}

/// <summary>Which topic a vector belongs to, or <see cref="TopicModel.Unassigned"/>, and its distance.</summary>
public readonly record struct TopicAssignment(int TopicId, double Distance);

/// <summary>
/// Topics found by k-means on input embeddings, labelled by class-based TF-IDF over each cluster's texts against
/// the others, with the distance beyond which a vector fits none of them.
/// </summary>
public sealed partial class TopicModel
{
    /// <summary>The id given to a vector farther from every centroid than the outlier distance.</summary>
    public const int Unassigned = -1;

    private TopicModel(
        IReadOnlyList<float[]> centroids,
        IReadOnlyList<Topic> topics,
        double outlierDistance,
        KChoice? choice)
    {
        Centroids = centroids;
        Topics = topics;
        OutlierDistance = outlierDistance;
        KChoice = choice;
    }

    public IReadOnlyList<float[]> Centroids { get; }

    public IReadOnlyList<Topic> Topics { get; }

    /// <summary>Euclidean distance to the nearest centroid beyond which a vector is unassigned.</summary>
    public double OutlierDistance { get; }

    /// <summary>The silhouettes behind the number of topics, when it was chosen automatically.</summary>
    public KChoice? KChoice { get; }

    /// <summary>
    /// Clusters <paramref name="embeddings"/> and labels each cluster from the matching <paramref name="texts"/>.
    /// </summary>
    public static TopicModel Fit(
        IReadOnlyList<float[]> embeddings,
        IReadOnlyList<string> texts,
        TopicModelOptions? options = null)
    {
        options ??= new TopicModelOptions();
        if (embeddings.Count != texts.Count)
        {
            throw new ArgumentException(
                $"Each embedding needs its text ({embeddings.Count} embeddings, {texts.Count} texts).");
        }

        if (embeddings.Count < 3)
        {
            throw new ArgumentException($"Topics need at least 3 embeddings; got {embeddings.Count}.");
        }

        var choice = options.K is null
            ? KMeans.ChooseK(embeddings, options.MinK, options.MaxK, options.Seed)
            : null;
        var k = options.K ?? choice!.K;
        var fit = KMeans.Fit(embeddings, k, options.Seed);
        var keywords = ClassTfIdf(texts, fit.Assignments, k, options.Keywords);
        var sizes = new int[k];
        var distances = new double[embeddings.Count];
        for (var i = 0; i < embeddings.Count; i++)
        {
            sizes[fit.Assignments[i]]++;
            distances[i] = Math.Sqrt(VectorMath.SquaredDistance(fit.Centroids[fit.Assignments[i]], embeddings[i]));
        }

        Array.Sort(distances);
        var rank = (int)Math.Ceiling(options.OutlierQuantile * distances.Length) - 1;
        var outlier = distances[Math.Clamp(rank, 0, distances.Length - 1)];
        var topics = Enumerable.Range(0, k).Select(c => new Topic(c, keywords[c], sizes[c])).ToArray();
        return new TopicModel(fit.Centroids, topics, outlier, choice);
    }

    /// <summary>
    /// Rebuilds a model from what a monitor stored of an earlier fit (centroids, topics, outlier distance), so
    /// later windows are assigned to the same topics.
    /// </summary>
    public static TopicModel Restore(
        IReadOnlyList<float[]> centroids,
        IReadOnlyList<Topic> topics,
        double outlierDistance)
    {
        if (centroids.Count == 0 || centroids.Count != topics.Count)
        {
            throw new ArgumentException(
                $"Each topic needs its centroid ({centroids.Count} centroids, {topics.Count} topics).");
        }

        if (centroids.Any(c => c.Length != centroids[0].Length || c.Length == 0))
        {
            throw new ArgumentException("All centroids need the same, non-zero number of dimensions.");
        }

        if (topics.Select((t, i) => t.Id != i).Any(wrong => wrong))
        {
            throw new ArgumentException("Topic ids must be 0, 1, … in the order of the centroids.");
        }

        return new TopicModel(centroids, topics, outlierDistance, null);
    }

    /// <summary>The nearest topic, or <see cref="Unassigned"/> when even it is beyond the outlier distance.</summary>
    public TopicAssignment Assign(float[] vector)
    {
        if (vector.Length != Centroids[0].Length)
        {
            throw new ArgumentException(
                $"The vector has {vector.Length} dimensions; the topics were fitted on {Centroids[0].Length}.");
        }

        var (cluster, squared) = KMeans.Nearest(Centroids, vector);
        var distance = Math.Sqrt(squared);
        return new TopicAssignment(distance > OutlierDistance ? Unassigned : cluster, distance);
    }

    /// <summary>
    /// Vectors of one window per topic: index t holds topic t's count, the last index the unassigned ones.
    /// Divide by the window's size for the shares the page charts over time.
    /// </summary>
    public int[] Counts(IReadOnlyList<float[]> window)
    {
        var counts = new int[Topics.Count + 1];
        foreach (var vector in window)
        {
            var id = Assign(vector).TopicId;
            counts[id == Unassigned ? Topics.Count : id]++;
        }

        return counts;
    }

    /// <summary>
    /// The most distinctive words of each cluster: c-TF-IDF, that is the word's frequency in the cluster's texts
    /// (relative to the cluster's word count) times log(1 + average words per cluster / the word's count in all).
    /// </summary>
    internal static IReadOnlyList<string>[] ClassTfIdf(
        IReadOnlyList<string> texts,
        IReadOnlyList<int> assignments,
        int k,
        int keep)
    {
        var perClass = Enumerable.Range(0, k)
            .Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))
            .ToArray();
        var overall = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var word in Words(texts[i]))
            {
                perClass[assignments[i]][word] = perClass[assignments[i]].GetValueOrDefault(word) + 1;
                overall[word] = overall.GetValueOrDefault(word) + 1;
            }
        }

        var averageWords = perClass.Average(c => (double)c.Values.Sum());
        return perClass.Select(words =>
        {
            var total = words.Values.Sum();
            return (IReadOnlyList<string>)words
                .Select(w => (w.Key, Score: (double)w.Value / total * Math.Log(1 + averageWords / overall[w.Key])))
                .OrderByDescending(w => w.Score)
                .ThenBy(w => w.Key, StringComparer.Ordinal)
                .Take(keep)
                .Select(w => w.Key)
                .ToArray();
        }).ToArray();
    }

    internal static IEnumerable<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant())
            .Select(m => m.Value)
            .Where(w => w.Length >= 3 && !StopWords.Contains(w) && !w.All(char.IsDigit));

    [GeneratedRegex(@"[\p{L}\p{Nd}']+")]
    private static partial Regex WordPattern();

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "are", "but", "not", "you", "your", "yours", "with", "this", "that", "these", "those",
        "from", "have", "has", "had", "was", "were", "will", "would", "can", "could", "should", "shall", "may",
        "might", "must", "does", "did", "doing", "done", "what", "which", "who", "whom", "whose", "when", "where",
        "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "only", "own",
        "same", "than", "too", "very", "just", "about", "above", "after", "again", "against", "because", "been",
        "before", "being", "below", "between", "during", "into", "its", "it's", "itself", "let", "our", "ours",
        "out", "over", "she", "her", "hers", "him", "his", "they", "them", "their", "theirs", "then", "there",
        "here", "off", "once", "under", "until", "while", "also", "get", "got", "one", "use", "using", "i'm",
        "i've", "don't", "can't", "please", "thanks", "thank", "hello", "want", "need", "like", "way", "make",
    };
}
