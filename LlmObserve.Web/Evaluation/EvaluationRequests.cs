using System.Text.Json;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// The body of <c>POST /api/evaluators</c> and <c>PUT /api/evaluators/{id}</c>. The filter is the trace list's query
/// string, or an object of its parameters.
/// </summary>
public sealed record EvaluatorRequest(
    string? Name,
    string? Kind,
    string? Target,
    JsonElement? Filter,
    double? SamplingRate,
    bool? Enabled,
    JudgeSettingsRequest? Judge);

/// <summary>The judge settings of an evaluator request.</summary>
public sealed record JudgeSettingsRequest(
    long? EndpointId,
    string? Template,
    string? Prompt,
    IReadOnlyList<JudgeLabelRequest>? Labels,
    string? Model,
    double? Temperature,
    long? MaxTokensPerDay,
    decimal? MaxCostPerDay);

/// <summary>A label of a custom judge template and the score it stands for.</summary>
public sealed record JudgeLabelRequest(string? Name, double? Score);

/// <summary>The body of <c>POST /api/evaluators/{id}/backfill</c>: a range of trace start times.</summary>
public sealed record BackfillRequest(DateTimeOffset? From, DateTimeOffset? To);

/// <summary>The body of <c>POST</c> and <c>PUT /api/judge-endpoints</c>; a missing key keeps the stored one.</summary>
public sealed record JudgeEndpointRequest(
    string? Name,
    string? Provider,
    string? BaseUrl,
    string? Model,
    string? ApiVersion,
    string? ApiKey,
    bool? ClearApiKey,
    int? TimeoutSeconds,
    int? MaxAttempts,
    int? MaxConcurrency,
    decimal? InputPricePerMillion,
    decimal? OutputPricePerMillion,
    bool? RequestJsonFormat)
{
    public JudgeEndpointDraft ToDraft() => new()
    {
        Name = Name,
        Provider = Provider,
        BaseUrl = BaseUrl,
        Model = Model,
        ApiVersion = ApiVersion,
        ApiKey = ApiKey,
        ClearApiKey = ClearApiKey ?? false,
        TimeoutSeconds = TimeoutSeconds ?? 30,
        MaxAttempts = MaxAttempts ?? 4,
        MaxConcurrency = MaxConcurrency ?? 4,
        InputPricePerMillion = InputPricePerMillion ?? 0,
        OutputPricePerMillion = OutputPricePerMillion ?? 0,
        RequestJsonFormat = RequestJsonFormat ?? true,
    };
}

/// <summary>The answer of a connection test.</summary>
public sealed record ConnectionTestResponse(bool Succeeded, string Message);

/// <summary>
/// The body of <c>POST /api/scores</c>; <c>id</c> is the sender's own id for the score, which makes a retry store it
/// once.
/// </summary>
public sealed record ScoreRequest(
    string? TraceId,
    string? SpanId,
    string? Name,
    double? Value,
    string? Label,
    string? Explanation,
    string? Id = null);

internal static class EvaluationRequestMapping
{
    /// <summary>The draft the request describes, with the filter parsed, or the reasons it cannot be read.</summary>
    public static (EvaluatorDraft? Draft, List<FieldError> Errors) ToDraft(
        EvaluatorRequest request,
        DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        var filterText = FilterText(request.Filter, errors);
        var (filter, query, filterErrors) = EvaluatorFilterParser.Parse(filterText, now);
        errors.AddRange(filterErrors.Select(message => new FieldError("filter", message)));

        var judge = request.Judge;
        var labels = new List<JudgeLabel>();
        if (judge?.Labels is { } requested)
        {
            for (var i = 0; i < requested.Count; i++)
            {
                if (requested[i] is not { Name: { } name, Score: { } score })
                {
                    errors.Add(new FieldError($"judge.labels[{i}]", "A label needs a name and a score."));
                    continue;
                }

                labels.Add(new JudgeLabel(name, score));
            }
        }

        var draft = new EvaluatorDraft
        {
            Name = request.Name,
            Kind = request.Kind,
            Target = request.Target,
            FilterQuery = query,
            Filter = filter,
            SamplingRate = request.SamplingRate ?? 1,
            Enabled = request.Enabled ?? true,
            Judge = judge is null ? null : new JudgeSettingsDraft
            {
                EndpointId = judge.EndpointId,
                Template = judge.Template,
                Prompt = judge.Prompt,
                Labels = labels,
                Model = judge.Model,
                Temperature = judge.Temperature,
                MaxTokensPerDay = judge.MaxTokensPerDay,
                MaxCostPerDay = judge.MaxCostPerDay,
            },
        };
        return (errors.Count == 0 ? draft : null, errors);
    }

    /// <summary>A filter given as text stays text; an object of parameters becomes the same query string.</summary>
    private static string? FilterText(JsonElement? filter, List<FieldError> errors)
    {
        if (filter is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString();
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(
                "filter",
                "The filter is a trace-list query string or an object of its parameters."));
            return null;
        }

        var pairs = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                _ => null,
            };
            if (value is null && property.Value.ValueKind != JsonValueKind.Null)
            {
                errors.Add(new FieldError($"filter.{property.Name}", "A filter value is text or a number."));
            }
            else if (value is not null)
            {
                pairs.Add($"{Uri.EscapeDataString(property.Name)}={Uri.EscapeDataString(value)}");
            }
        }

        return string.Join('&', pairs);
    }
}
