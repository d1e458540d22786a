using System.Globalization;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Annotation;

/// <summary>
/// Judge evaluators and their verdicts written straight to the store, as the evaluation engine writes them: no judge
/// endpoint is needed to calibrate one.
/// </summary>
internal static class CalibrationTestData
{
    /// <summary>Adds a judge evaluator on a built-in template, at version 1, and returns its id.</summary>
    public static async Task<string> AddJudgeAsync(RunningApp app, string name, string template)
    {
        var factory = app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var projectId = await db.Projects.Select(p => p.Id).FirstAsync();
        var id = "ev-" + Guid.NewGuid().ToString("N")[..12];
        db.Evaluators.Add(new Evaluator
        {
            Id = id,
            ProjectId = projectId,
            Name = name,
            Kind = EvaluatorKinds.Judge,
            Target = EvaluatorTargets.Trace,
            Enabled = false,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        db.EvaluatorVersions.Add(new EvaluatorVersion
        {
            EvaluatorId = id,
            Version = 1,
            Target = EvaluatorTargets.Trace,
            TemplateName = template,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>Writes the judge's verdict on a trace: its label with the score the label stands for.</summary>
    public static async Task AddVerdictAsync(
        RunningApp app,
        string evaluatorId,
        string name,
        string traceId,
        string label,
        double value,
        int version = 1)
    {
        var factory = app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var projectId = await db.Projects.Select(p => p.Id).FirstAsync();
        db.Scores.Add(new Score
        {
            ProjectId = projectId,
            TraceId = traceId,
            Name = name,
            Value = value,
            Label = label,
            Explanation = "judged in a test",
            Source = ScoreSource.Judge,
            EvaluatorId = evaluatorId,
            EvaluatorVersion = version.ToString(CultureInfo.InvariantCulture),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }
}
