using System.Text.Json;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Tests.Infrastructure;

namespace LlmObserve.Tests.Evaluation.Offline;

/// <summary>
/// The groundedness evaluator with its default options over reference/halueval-qa-dev.jsonl (each question's right
/// and hallucinated answer against its passage). The floors sit just under what the bench measured (F1 0.868,
/// precision 1.000, AUROC 0.924), so losing a single detected hallucination or raising one false alarm fails.
/// </summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class GroundednessHaluEvalTests(EmbeddingModelFixture model)
{
    [Fact]
    public void Evaluate_HaluEvalQaDev_KeepsTheMeasuredFigures()
    {
        var evaluator = new GroundednessEvaluator(model.Embedder);
        var examples = LoadExamples();

        var results = examples.Select(example => (Result: evaluator.Evaluate(example.Input), example.Hallucinated))
            .ToArray();

        Assert.Equal(120, results.Length);
        Assert.All(results, pair => Assert.False(pair.Result.IsSkipped));
        var labelled = results
            .Select(pair => (pair.Result.Label == OfflineLabels.Hallucinated ? 1.0 : 0.0, pair.Hallucinated))
            .ToArray();
        var counts = ClassificationMetrics.Count(labelled, 0.5);
        var auroc = ClassificationMetrics.Auroc(
            [.. results.Select(pair => (1 - pair.Result.Score!.Value, pair.Hallucinated))]);
        Assert.True(counts.F1 >= 0.86, $"F1 {counts.F1:0.000} ({counts})");
        Assert.True(counts.Precision >= 0.99, $"precision {counts.Precision:0.000} ({counts})");
        Assert.True(auroc >= 0.92, $"AUROC {auroc:0.000}");
    }

    private static List<(OfflineEvaluationInput Input, bool Hallucinated)> LoadExamples()
    {
        var examples = new List<(OfflineEvaluationInput, bool)>();
        var path = Path.Combine(RepoPaths.Root, "reference", "halueval-qa-dev.jsonl");
        foreach (var line in File.ReadLines(path).Where(line => line.Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var passage = root.GetProperty("knowledge").GetString()!;
            var question = root.GetProperty("question").GetString()!;
            examples.Add((new(question, root.GetProperty("right_answer").GetString()!, [passage]), false));
            examples.Add((new(question, root.GetProperty("hallucinated_answer").GetString()!, [passage]), true));
        }

        return examples;
    }
}
