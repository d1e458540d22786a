using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>Precision, recall and F1 of word overlap between a prediction and a target.</summary>
public readonly record struct OverlapScore(double Precision, double Recall, double F1)
{
    public static OverlapScore From(int overlap, int predictionLength, int targetLength)
    {
        if (overlap == 0)
        {
            return default;
        }

        var precision = (double)overlap / predictionLength;
        var recall = (double)overlap / targetLength;
        return new OverlapScore(precision, recall, 2 * precision * recall / (precision + recall));
    }
}

/// <summary>
/// ROUGE-1 and ROUGE-L with the reference tokenizer (lower case, anything but a-z and 0-9 is a separator,
/// no stemming), so figures compare with published ones.
/// </summary>
public static partial class RougeScore
{
    public static IReadOnlyList<string> Tokenize(string text) =>
        NonToken().Split(text.ToLowerInvariant()).Where(token => token.Length > 0).ToArray();

    /// <summary>Unigram overlap, each target word matched at most as often as it occurs.</summary>
    public static OverlapScore Rouge1(string target, string prediction)
    {
        var targetTokens = Tokenize(target);
        var predictionTokens = Tokenize(prediction);
        var remaining = targetTokens.GroupBy(token => token).ToDictionary(group => group.Key, group => group.Count());
        var overlap = 0;
        foreach (var token in predictionTokens)
        {
            if (remaining.TryGetValue(token, out var count) && count > 0)
            {
                remaining[token] = count - 1;
                overlap++;
            }
        }

        return OverlapScore.From(overlap, predictionTokens.Count, targetTokens.Count);
    }

    /// <summary>Longest common subsequence of words, in order but not necessarily adjacent.</summary>
    public static OverlapScore RougeL(string target, string prediction)
    {
        var targetTokens = Tokenize(target);
        var predictionTokens = Tokenize(prediction);
        var previous = new int[predictionTokens.Count + 1];
        var current = new int[predictionTokens.Count + 1];
        foreach (var targetToken in targetTokens)
        {
            for (var j = 1; j <= predictionTokens.Count; j++)
            {
                current[j] = targetToken == predictionTokens[j - 1]
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return OverlapScore.From(previous[predictionTokens.Count], predictionTokens.Count, targetTokens.Count);
    }

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonToken();
}
