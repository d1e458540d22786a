using System.Globalization;

namespace LlmObserve.Web.Datasets;

/// <summary>The gate command's arguments, checked: every mistake is named before anything is sent.</summary>
internal sealed record GateOptions
{
    public required Uri Url { get; init; }

    public required string Key { get; init; }

    public string? ExperimentId { get; init; }

    public string? Name { get; init; }

    public string? DatasetId { get; init; }

    public long? EndpointId { get; init; }

    public string? Prompt { get; init; }

    public string? SystemPrompt { get; init; }

    public string? Model { get; init; }

    public double? Temperature { get; init; }

    public int? MaxTokens { get; init; }

    public IReadOnlyList<string> Evaluators { get; init; } = [];

    public Dictionary<string, double> Min { get; init; } = [];

    public Dictionary<string, double> Max { get; init; } = [];

    public string? BaselineId { get; init; }

    public int? MaxRegressions { get; init; }

    public int? MaxFailed { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public static (GateOptions? Options, string? Problem) Parse(IReadOnlyList<string> args, string? keyFromEnvironment)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                return (null, $"'{args[i]}' is not an option with a value.");
            }

            var name = args[i][2..];
            if (!Known.Contains(name))
            {
                return (null, $"Unknown option --{name}.");
            }

            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            list.Add(args[++i]);
        }

        string? One(string name) => values.TryGetValue(name, out var list) ? list[^1] : null;

        if (!Uri.TryCreate(One("url"), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return (null, "--url must be the server's http(s) address.");
        }

        var key = One("key") ?? keyFromEnvironment;
        if (string.IsNullOrWhiteSpace(key))
        {
            return (null, "--key (or LLMOBSERVE_KEY) must hold the project's secret key.");
        }

        var experiment = One("experiment");
        var dataset = One("dataset");
        if ((experiment is null) == (dataset is null))
        {
            return (null, "Give either --experiment (read one) or --dataset (run one).");
        }

        string? prompt = One("prompt");
        if (One("prompt-file") is { } path)
        {
            if (!File.Exists(path))
            {
                return (null, $"--prompt-file '{path}' does not exist.");
            }

            prompt = File.ReadAllText(path);
        }

        long? endpoint = null;
        if (One("endpoint") is { } endpointText)
        {
            if (!long.TryParse(endpointText, CultureInfo.InvariantCulture, out var parsed))
            {
                return (null, "--endpoint is the endpoint's number (Settings → Judge endpoints).");
            }

            endpoint = parsed;
        }

        var evaluators = (values.GetValueOrDefault("evaluator") ?? [])
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        if (dataset is not null && (endpoint is null || prompt is null || evaluators.Count == 0))
        {
            return (null, "Running an experiment needs --endpoint, --prompt or --prompt-file, and --evaluator.");
        }

        var (min, minProblem) = Thresholds(values.GetValueOrDefault("min"), "--min");
        var (max, maxProblem) = Thresholds(values.GetValueOrDefault("max"), "--max");
        if ((minProblem ?? maxProblem) is { } thresholdProblem)
        {
            return (null, thresholdProblem);
        }

        if (!Whole(One("max-regressions"), out var maxRegressions)
            || !Whole(One("max-failed"), out var maxFailed)
            || !Whole(One("max-tokens"), out var maxTokens)
            || !Whole(One("timeout"), out var timeout))
        {
            return (null, "--max-regressions, --max-failed, --max-tokens and --timeout are whole numbers.");
        }

        double? temperature = null;
        if (One("temperature") is { } temperatureText)
        {
            if (!double.TryParse(temperatureText, NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
            {
                return (null, "--temperature is a number, e.g. 0.2.");
            }

            temperature = t;
        }

        if (maxRegressions is not null && One("baseline") is null)
        {
            return (null, "--max-regressions needs --baseline, the experiment to compare with.");
        }

        return (new GateOptions
        {
            Url = new Uri(url.ToString().TrimEnd('/') + "/"),
            Key = key,
            ExperimentId = experiment,
            Name = One("name"),
            DatasetId = dataset,
            EndpointId = endpoint,
            Prompt = prompt,
            SystemPrompt = One("system-prompt"),
            Model = One("model"),
            Temperature = temperature,
            MaxTokens = maxTokens,
            Evaluators = evaluators,
            Min = min,
            Max = max,
            BaselineId = One("baseline"),
            MaxRegressions = maxRegressions,
            MaxFailed = maxFailed,
            Timeout = TimeSpan.FromSeconds(timeout ?? 1800),
        }, null);
    }

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "url", "key", "experiment", "name", "dataset", "endpoint", "prompt", "prompt-file", "system-prompt", "model",
        "temperature", "max-tokens", "evaluator", "min", "max", "baseline", "max-regressions", "max-failed", "timeout",
    };

    private static (Dictionary<string, double> Values, string? Problem) Thresholds(List<string>? pairs, string option)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return (result, $"{option} '{pair}' is not SCORE=NUMBER, e.g. correctness=0.8.");
            }

            result[parts[0].Trim()] = value;
        }

        return (result, null);
    }

    private static bool Whole(string? text, out int? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
