using LlmObserve.Core.Outbound;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Traces;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>
/// Builds the judge of an evaluator version from its settings and its endpoint, and keeps it while neither changes:
/// a client per version, sharing the process's per-endpoint concurrency cap and spend ledger.
/// </summary>
public sealed class JudgeEvaluatorFactory(
    ISecretProtector protector,
    JudgeEndpointLimiter limiter,
    JudgeSpendLedger ledger,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    OutboundPolicy? outbound = null)
{
    private readonly ConcurrentDictionary<string, JudgeEvaluator> _judges = new(StringComparer.Ordinal);

    /// <summary>The judge, or why there can be none.</summary>
    public (JudgeEvaluator? Judge, string? Error) Get(
        Evaluator evaluator,
        EvaluatorVersion version,
        JudgeEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            return (null, "its judge endpoint was deleted; choose another in a new version.");
        }

        var key = string.Create(
            CultureInfo.InvariantCulture,
            $"{evaluator.Id}|{version.Version}|{evaluator.Name}|{endpoint.Id}|{endpoint.UpdatedAt.UtcTicks}");
        if (_judges.TryGetValue(key, out var cached))
        {
            return (cached, null);
        }

        string? apiKey;
        try
        {
            apiKey = endpoint.ProtectedApiKey is null ? null : protector.Unprotect(endpoint.ProtectedApiKey);
        }
        catch (CryptographicException)
        {
            return (null, $"the key of judge endpoint '{endpoint.Name}' cannot be decrypted (the key ring in the "
                + "data directory was lost or replaced); enter the key again in Settings.");
        }

        var (template, templateErrors) = TemplateOf(version, evaluator.Name);
        if (template is null)
        {
            return (null, string.Join(" ", templateErrors));
        }

        var options = OptionsOf(endpoint, apiKey, version.Model, version.Temperature);
        var optionErrors = options.Validate();
        if (optionErrors.Count > 0)
        {
            return (null, string.Join(" ", optionErrors));
        }

        var client = new JudgeClient(
            options,
            limiter,
            timeProvider,
            loggerFactory.CreateLogger<JudgeClient>(),
            outbound);
        var judge = new JudgeEvaluator(
            evaluator.Name,
            template,
            new JudgeBudget(version.MaxTokensPerDay, version.MaxCostPerDay),
            client,
            ledger,
            timeProvider,
            loggerFactory.CreateLogger<JudgeEvaluator>(),
            budgetKey: evaluator.Id);

        // Older versions and endpoint settings are not asked for again.
        foreach (var stale in _judges.Keys.Where(k => k.StartsWith(evaluator.Id + "|", StringComparison.Ordinal)))
        {
            _judges.TryRemove(stale, out _);
        }

        _judges[key] = judge;
        return (judge, null);
    }

    /// <summary>
    /// The endpoint's settings as the judge client takes them, with a version's model and temperature.
    /// </summary>
    public static JudgeEndpointOptions OptionsOf(
        JudgeEndpoint endpoint,
        string? apiKey,
        string? model,
        double? temperature) => new()
        {
            Provider = JudgeProviderNames.Parse(endpoint.Provider) ?? JudgeProvider.OpenAICompatible,
            Endpoint = Uri.TryCreate(endpoint.BaseUrl, UriKind.Absolute, out var uri) ? uri : null,
            Model = string.IsNullOrWhiteSpace(model) ? endpoint.Model : model,
            ApiKey = apiKey,
            ApiVersion = endpoint.ApiVersion,
            Temperature = (float)(temperature ?? 0),
            Timeout = TimeSpan.FromSeconds(endpoint.TimeoutSeconds),
            MaxAttempts = endpoint.MaxAttempts,
            MaxConcurrency = endpoint.MaxConcurrency,
            InputPricePerMillionTokens = endpoint.InputPricePerMillion,
            OutputPricePerMillionTokens = endpoint.OutputPricePerMillion,
            RequestJsonFormat = endpoint.RequestJsonFormat,
        };

    /// <summary>A version's template: a built-in by name, or the custom prompt and labels it holds.</summary>
    public static (JudgeTemplate? Template, IReadOnlyList<string> Errors) TemplateOf(
        EvaluatorVersion version,
        string scoreName)
    {
        if (version.TemplateName != EvaluatorKinds.CustomTemplate)
        {
            var builtIn = JudgeTemplates.BuiltIn.FirstOrDefault(t => t.Name == version.TemplateName);
            return builtIn is null
                ? (null, [$"There is no built-in judge template named '{version.TemplateName}'."])
                : (builtIn, []);
        }

        var template = new JudgeTemplate
        {
            Name = scoreName,
            Prompt = version.Prompt ?? string.Empty,
            Labels = LabelsOf(version.LabelsJson),
        };
        var errors = template.Validate();
        return errors.Count == 0 ? (template, []) : (null, errors);
    }

    public static IReadOnlyList<JudgeLabel> LabelsOf(string? labelsJson)
        => string.IsNullOrEmpty(labelsJson)
            ? []
            : JsonSerializer.Deserialize<JudgeLabel[]>(labelsJson, StoreJson.Options) ?? [];
}
