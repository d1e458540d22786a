using System.Globalization;
using LlmObserve.Core.Annotation;

namespace LlmObserve.Web.Annotation;

/// <summary>A validated calibration query: the last <see cref="Days"/> days of judge verdicts, bucketed.</summary>
public sealed record CalibrationQuery(int Days, CalibrationBucket Bucket, string? EvaluatorId)
{
    public const int DefaultDays = 90;

    public DateTimeOffset From(DateTimeOffset now) => now.AddDays(-Days);

    /// <summary>
    /// Reads <c>days</c> (1 to <see cref="CalibrationService.MaxDays"/>, default 90), <c>bucket</c> (<c>day</c> or
    /// <c>week</c>, the default) and <c>evaluator</c> (an evaluator id), shared by the page's URL and
    /// <c>GET /api/calibration</c>. Every fault is named after its parameter, and so is a parameter it does not know.
    /// </summary>
    public static (CalibrationQuery? Query, Dictionary<string, string[]> Errors) Parse(
        IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var values = parameters.ToList();
        string[] known = ["days", "bucket", "evaluator"];
        foreach (var unknown in values.Select(p => p.Key).Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            errors.TryAdd(unknown, [$"'{unknown}' is not a parameter of calibration; use days, bucket or evaluator."]);
        }

        string? Value(string name)
        {
            var given = values.Where(p => p.Key == name && !string.IsNullOrWhiteSpace(p.Value)).ToList();
            if (given.Count > 1)
            {
                errors.TryAdd(name, [$"'{name}' must be given once."]);
            }

            return given.FirstOrDefault().Value?.Trim();
        }

        var days = DefaultDays;
        if (Value("days") is { } daysText
            && (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days)
                || days < 1 || days > CalibrationService.MaxDays))
        {
            errors.TryAdd("days", [$"'days' must be a whole number from 1 to {CalibrationService.MaxDays}."]);
        }

        var bucket = CalibrationBucket.Week;
        switch (Value("bucket")?.ToLowerInvariant())
        {
            case null or "week":
                break;
            case "day":
                bucket = CalibrationBucket.Day;
                break;
            default:
                errors.TryAdd("bucket", ["'bucket' must be day or week."]);
                break;
        }

        var evaluator = Value("evaluator");
        return errors.Count > 0 ? (null, errors) : (new CalibrationQuery(days, bucket, evaluator), errors);
    }
}
