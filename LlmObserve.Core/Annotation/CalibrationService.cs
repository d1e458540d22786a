using System.Globalization;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Annotation;

/// <summary>
/// How far each LLM judge can be trusted: its verdicts against the labels reviewers gave the same traces under the
/// same score name (the judge's own name), read as pass or fail on both sides.
/// </summary>
/// <remarks>
/// The judge passes when its label is one of its template's labels standing for a score at or above the threshold;
/// with no such label, when its score (on [0, 1], 1 the good end) is at or above it. A human label is read by its
/// score configuration: boolean true passes; a number passes at or above the threshold after its configured range is
/// mapped onto [0, 1]; a category passes or fails as the judge's label of that name would, and fails when it is one of
/// the failing labels of the Quality page (<see cref="QualityOptions.FailingLabels"/>); any other category and free
/// text are left out and counted as unmapped. Each human label is one pair, so an item labelled by two reviewers
/// gives two pairs. Pairs fall in the bucket of the judge's verdict.
/// </remarks>
public sealed class CalibrationService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    LlmObserveOptions options)
{
    /// <summary>The longest range a report reads.</summary>
    public const int MaxDays = 400;

    public async Task<CalibrationReport> ReportAsync(
        string projectId,
        DateTimeOffset from,
        DateTimeOffset to,
        CalibrationBucket bucket,
        string? evaluatorId,
        CancellationToken cancellationToken)
    {
        var settings = options.Calibration;
        var failing = options.Quality.FailingLabelSet();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluators = await db.Evaluators.AsNoTracking()
            .Where(e => e.ProjectId == projectId && e.Kind == EvaluatorKinds.Judge)
            .Where(e => evaluatorId == null || e.Id == evaluatorId)
            .OrderBy(e => e.Name)
            .ToListAsync(cancellationToken);
        var ids = evaluators.Select(e => e.Id).ToList();
        var versions = await db.EvaluatorVersions.AsNoTracking()
            .Where(v => ids.Contains(v.EvaluatorId))
            .ToListAsync(cancellationToken);

        var result = new List<EvaluatorCalibration>();
        foreach (var evaluator in evaluators)
        {
            var labelsByVersion = versions
                .Where(v => v.EvaluatorId == evaluator.Id)
                .ToDictionary(v => v.Version.ToString(CultureInfo.InvariantCulture), LabelsOf, StringComparer.Ordinal);
            var rows = await PairRowsAsync(db, projectId, evaluator, from, to, cancellationToken);
            var pairs = new List<CalibrationPair>();
            var unmapped = 0;
            foreach (var row in rows)
            {
                var labels = labelsByVersion.GetValueOrDefault(row.Version ?? string.Empty) ?? [];
                var judge = JudgePasses(row.JudgeValue, row.JudgeLabel, labels, settings.PassThreshold);
                var human = HumanPasses(
                    row.Kind,
                    row.HumanValue,
                    row.HumanLabel,
                    row.Min,
                    row.Max,
                    labels,
                    failing,
                    settings.PassThreshold);
                if (judge is null || human is null)
                {
                    unmapped += human is null ? 1 : 0;
                    continue;
                }

                pairs.Add(new CalibrationPair(row.Version ?? string.Empty, row.JudgedAt, judge.Value, human.Value));
            }

            result.Add(new EvaluatorCalibration(
                evaluator.Id,
                evaluator.Name,
                evaluator.CurrentVersion,
                Figures(pairs, settings.MinimumPairs),
                [
                    .. pairs.GroupBy(p => p.Version)
                        .OrderBy(g => int.TryParse(g.Key, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
                        .Select(g => new CalibrationVersion(g.Key, Figures([.. g], settings.MinimumPairs))),
                ],
                [
                    .. pairs.GroupBy(p => BucketStart(p.JudgedAt, bucket))
                        .OrderBy(g => g.Key)
                        .Select(g => new CalibrationPoint(g.Key, Figures([.. g], settings.MinimumPairs))),
                ],
                unmapped));
        }

        return new CalibrationReport(from, to, bucket, settings.MinimumPairs, settings.PassThreshold, result);
    }

    /// <summary>
    /// The figures of <paramref name="pairs"/>; below <paramref name="minimumPairs"/> only their number.
    /// </summary>
    public static CalibrationFigures Figures(IReadOnlyList<CalibrationPair> pairs, int minimumPairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0 || pairs.Count < minimumPairs)
        {
            return new CalibrationFigures(pairs.Count, false, null, null, null, null, null);
        }

        var matrix = new ConfusionMatrix(
            pairs.Count(p => !p.JudgePass && !p.HumanPass),
            pairs.Count(p => !p.JudgePass && p.HumanPass),
            pairs.Count(p => p.JudgePass && !p.HumanPass),
            pairs.Count(p => p.JudgePass && p.HumanPass));
        var judgeFails = matrix.BothFail + matrix.JudgeFailHumanPass;
        var humanFails = matrix.BothFail + matrix.JudgePassHumanFail;
        var kappa = Agreement.CohenKappa(
            [.. pairs.Select(p => p.JudgePass ? "pass" : "fail")],
            [.. pairs.Select(p => p.HumanPass ? "pass" : "fail")]);
        return new CalibrationFigures(
            pairs.Count,
            true,
            (matrix.BothFail + matrix.BothPass) / (double)pairs.Count,
            kappa,
            matrix,
            judgeFails == 0 ? null : matrix.BothFail / (double)judgeFails,
            humanFails == 0 ? null : matrix.BothFail / (double)humanFails);
    }

    /// <summary>Whether a judge verdict passes; null when it has neither a known label nor a score.</summary>
    public static bool? JudgePasses(double? value, string? label, IReadOnlyList<JudgeLabel> labels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var known = labels.FirstOrDefault(l => string.Equals(l.Name, label, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return known.Score >= threshold;
        }

        return value is { } score ? score >= threshold : null;
    }

    /// <summary>Whether a human label passes; null when it cannot be read as pass or fail.</summary>
    public static bool? HumanPasses(
        string? kind,
        double? value,
        string? label,
        double? min,
        double? max,
        IReadOnlyList<JudgeLabel> judgeLabels,
        IReadOnlySet<string> failingLabels,
        double threshold)
    {
        ArgumentNullException.ThrowIfNull(judgeLabels);
        ArgumentNullException.ThrowIfNull(failingLabels);
        switch (kind)
        {
            case ScoreConfigKinds.Boolean:
                return label switch
                {
                    "true" => true,
                    "false" => false,
                    _ => value is { } flag ? flag >= 1 : null,
                };
            case ScoreConfigKinds.Numeric when value is { } number && min is { } low && max is { } high && high > low:
                return (number - low) / (high - low) >= threshold;
            case ScoreConfigKinds.Categorical when label is not null:
                var known = judgeLabels.FirstOrDefault(
                    l => string.Equals(l.Name, label, StringComparison.OrdinalIgnoreCase));
                if (known is not null)
                {
                    return known.Score >= threshold;
                }

                return failingLabels.Contains(label) ? false : null;
            default:
                return null;
        }
    }

    /// <summary>The start (UTC) of the day, or of the week from Monday, that holds <paramref name="moment"/>.</summary>
    public static DateTimeOffset BucketStart(DateTimeOffset moment, CalibrationBucket bucket)
    {
        var day = new DateTimeOffset(moment.UtcDateTime.Date, TimeSpan.Zero);
        if (bucket == CalibrationBucket.Day)
        {
            return day;
        }

        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return day.AddDays(-sinceMonday);
    }

    private static IReadOnlyList<JudgeLabel> LabelsOf(EvaluatorVersion version)
    {
        if (version.TemplateName == EvaluatorKinds.CustomTemplate)
        {
            return JudgeEvaluatorFactory.LabelsOf(version.LabelsJson);
        }

        return JudgeTemplates.BuiltIn.FirstOrDefault(t => t.Name == version.TemplateName)?.Labels ?? [];
    }

    // Human labels are few and judge verdicts many, so the read starts from the labels: the queue's score
    // configurations of the name, their items, the labels given on each (the partial index on the item), then the
    // judge's verdict on the same trace (the project and trace index). CROSS JOIN keeps SQLite to that order, which
    // without table statistics would otherwise scan every score of the name.
    private const string PairSql = """
        SELECT j."EvaluatorVersion", j."CreatedAt", j."Value", j."Label", c."Kind", h."Value", h."Label",
            c."Min", c."Max"
        FROM "ScoreConfigs" AS c
        CROSS JOIN "AnnotationItems" AS i
        CROSS JOIN "Scores" AS h
        CROSS JOIN "Scores" AS j
        WHERE c."Name" = $name AND i."QueueId" = c."QueueId"
            AND h."AnnotationItemId" = i."Id" AND h."Name" = c."Name" AND h."ProjectId" = $project
            AND h."Source" = $human
            AND j."ProjectId" = h."ProjectId" AND j."TraceId" = h."TraceId" AND j."EvaluatorId" = $evaluator
            AND j."Source" = $judge AND j."CreatedAt" >= $from AND j."CreatedAt" < $to
        """;

    private static async Task<List<PairRow>> PairRowsAsync(
        LlmObserveDbContext db,
        string projectId,
        Evaluator evaluator,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = PairSql;
        command.Parameters.AddWithValue("$name", evaluator.Name);
        command.Parameters.AddWithValue("$project", projectId);
        command.Parameters.AddWithValue("$evaluator", evaluator.Id);
        command.Parameters.AddWithValue("$human", ScoreSource.Human);
        command.Parameters.AddWithValue("$judge", ScoreSource.Judge);
        command.Parameters.AddWithValue("$from", StoreTime.ToStore(from));
        command.Parameters.AddWithValue("$to", StoreTime.ToStore(to));
        var rows = new List<PairRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PairRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                StoreTime.FromStore(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetDouble(8)));
        }

        return rows;
    }

    private sealed record PairRow(
        string? Version,
        DateTimeOffset JudgedAt,
        double? JudgeValue,
        string? JudgeLabel,
        string Kind,
        double? HumanValue,
        string? HumanLabel,
        double? Min,
        double? Max);
}
