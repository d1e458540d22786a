using System.Globalization;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Experiments;

/// <summary>What an experiment evaluator reads of one item.</summary>
public sealed record ExperimentCase(string Input, string Output, IReadOnlyList<string> Context, string? Expected);

/// <summary>An evaluator ready to score experiment items, under the score name it writes.</summary>
public sealed record ExperimentEvaluator(
    string Name,
    Func<ExperimentCase, CancellationToken, Task<ExperimentScore>> EvaluateAsync);

/// <summary>
/// The evaluators an experiment may name: <c>similarity</c> (correctness against the expected output by ROUGE-L F1,
/// offline), the offline kinds (<c>groundedness</c>, <c>answer_relevance</c>, <c>refusal</c>, <c>pii</c>,
/// <c>language</c>), or any evaluator of the project by id or name, judges included (the built-in
/// <c>correctness</c> judge template compares with the expected output).
/// </summary>
public sealed class ExperimentEvaluators(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    OfflineEvaluatorCatalog offline,
    JudgeEvaluatorFactory judges)
{
    public const string Similarity = "similarity";

    /// <summary>Above this ROUGE-L F1 an output is labelled a match.</summary>
    public const double MatchThreshold = 0.5;

    public const int MaxEvaluators = 10;

    /// <summary>The evaluators by the names asked for, or the reason each unknown one cannot be used.</summary>
    public async Task<(IReadOnlyList<ExperimentEvaluator> Evaluators, IReadOnlyList<string> Errors)> ResolveAsync(
        string projectId,
        IReadOnlyList<string> names,
        CancellationToken cancellationToken)
    {
        var resolved = new List<ExperimentEvaluator>();
        var errors = new List<string>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var name in names)
        {
            var stored = await db.Evaluators.AsNoTracking()
                .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == name, cancellationToken);
            if (stored is null && name == Similarity)
            {
                resolved.Add(new ExperimentEvaluator(Similarity, (c, _) => Task.FromResult(SimilarityOf(c))));
                continue;
            }

            if (stored is null && EvaluatorKinds.IsOffline(name))
            {
                resolved.Add(Offline(name, name));
                continue;
            }

            stored ??= await db.Evaluators.AsNoTracking()
                .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Name == name, cancellationToken);
            if (stored is null)
            {
                errors.Add($"'{name}' is neither '{Similarity}', an offline evaluator ("
                    + string.Join(", ", EvaluatorKinds.Offline) + ") nor an evaluator of this project.");
                continue;
            }

            if (stored.Kind != EvaluatorKinds.Judge)
            {
                resolved.Add(Offline(stored.Kind, stored.Name));
                continue;
            }

            var version = await db.EvaluatorVersions.AsNoTracking()
                .FirstAsync(v => v.EvaluatorId == stored.Id && v.Version == stored.CurrentVersion, cancellationToken);
            var endpoint = version.JudgeEndpointId is { } endpointId
                ? await db.JudgeEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId, cancellationToken)
                : null;
            var (judge, error) = judges.Get(stored, version, endpoint);
            if (judge is null)
            {
                errors.Add($"The judge '{stored.Name}' cannot run: {error}");
                continue;
            }

            resolved.Add(new ExperimentEvaluator(stored.Name, async (c, cancel) =>
            {
                var result = await judge.EvaluateAsync(
                    new JudgeInput(c.Input, c.Output, c.Context, c.Expected),
                    cancel);
                return new ExperimentScore(stored.Name, result.Score, result.Label, result.Explanation);
            }));
        }

        var duplicate = resolved.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            errors.Add($"Two of the evaluators write scores named '{duplicate.Key}'.");
        }

        return (resolved, errors);
    }

    /// <summary>ROUGE-L F1 of the output against the expected output; skipped without an expected output.</summary>
    public static ExperimentScore SimilarityOf(ExperimentCase item)
    {
        if (string.IsNullOrWhiteSpace(item.Expected))
        {
            return new ExperimentScore(Similarity, null, null, "The item has no expected output to compare with.");
        }

        var f1 = RougeScore.RougeL(item.Expected, item.Output).F1;
        return new ExperimentScore(
            Similarity,
            f1,
            f1 >= MatchThreshold ? "match" : "mismatch",
            string.Create(CultureInfo.InvariantCulture, $"ROUGE-L F1 against the expected output is {f1:0.###}."));
    }

    private ExperimentEvaluator Offline(string kind, string scoreName) => new(scoreName, (c, cancel) =>
    {
        var result = offline.Get(kind).Evaluate(
            new OfflineEvaluationInput(c.Input, c.Output, c.Context, c.Expected),
            cancel);
        return Task.FromResult(new ExperimentScore(scoreName, result.Score, result.Label, result.Explanation));
    });
}
