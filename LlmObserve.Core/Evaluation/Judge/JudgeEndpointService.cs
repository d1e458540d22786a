using LlmObserve.Core.Outbound;
using System.Security.Cryptography;
using LlmObserve.Core.Evaluation.Engine;
using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>A judge endpoint as someone wants it saved. A blank key keeps the stored one.</summary>
public sealed record JudgeEndpointDraft
{
    public string? Name { get; init; }

    /// <summary>One of <see cref="JudgeProviderNames.All"/>.</summary>
    public string? Provider { get; init; }

    public string? BaseUrl { get; init; }

    public string? Model { get; init; }

    public string? ApiVersion { get; init; }

    /// <summary>A new key; null or blank keeps the stored key.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Forget the stored key (for servers that need none).</summary>
    public bool ClearApiKey { get; init; }

    public int TimeoutSeconds { get; init; } = 30;

    public int MaxAttempts { get; init; } = 4;

    public int MaxConcurrency { get; init; } = 4;

    public decimal InputPricePerMillion { get; init; }

    public decimal OutputPricePerMillion { get; init; }

    public bool RequestJsonFormat { get; init; } = true;
}

/// <summary>A judge endpoint as shown: whether a key is set, never the key.</summary>
public sealed record JudgeEndpointView(
    long Id,
    string Name,
    string Provider,
    string BaseUrl,
    string Model,
    string? ApiVersion,
    bool KeySet,
    int TimeoutSeconds,
    int MaxAttempts,
    int MaxConcurrency,
    decimal InputPricePerMillion,
    decimal OutputPricePerMillion,
    bool RequestJsonFormat,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> UsedBy);

/// <summary>The endpoint saved, or why not, with the connection test that decided it.</summary>
public sealed record JudgeEndpointSaveResult(
    JudgeEndpointView? Endpoint,
    IReadOnlyList<FieldError> Errors,
    JudgeConnectionResult? Test = null,
    bool NotFound = false);

/// <summary>
/// The judge endpoints of a project: saved only once a real call to them worked, their keys encrypted at rest and
/// never returned.
/// </summary>
public sealed class JudgeEndpointService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    JudgeConnectionTester connectionTester,
    ISecretProtector protector,
    TimeProvider timeProvider,
    OutboundPolicy? outbound = null)
{
    public const int MaxNameLength = 100;

    public async Task<IReadOnlyList<JudgeEndpointView>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoints = await db.JudgeEndpoints.AsNoTracking()
            .Where(e => e.ProjectId == projectId)
            .OrderBy(e => e.Name)
            .ToListAsync(cancellationToken);
        var users = await UsersAsync(db, projectId, cancellationToken);
        return [.. endpoints.Select(e => ToView(e, users))];
    }

    public async Task<JudgeEndpointView?> GetAsync(string projectId, long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.JudgeEndpoints.AsNoTracking()
            .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == id, cancellationToken);
        return endpoint is null ? null : ToView(endpoint, await UsersAsync(db, projectId, cancellationToken));
    }

    public Task<JudgeEndpointSaveResult> CreateAsync(
        string projectId,
        JudgeEndpointDraft draft,
        CancellationToken cancellationToken)
        => SaveAsync(projectId, null, draft, cancellationToken);

    public Task<JudgeEndpointSaveResult> UpdateAsync(
        string projectId,
        long id,
        JudgeEndpointDraft draft,
        CancellationToken cancellationToken)
        => SaveAsync(projectId, id, draft, cancellationToken);

    /// <summary>
    /// One real call with the draft's settings (its key, or the stored key of <paramref name="id"/> when the draft
    /// has none), without saving anything.
    /// </summary>
    public async Task<(JudgeConnectionResult? Result, IReadOnlyList<FieldError> Errors, bool NotFound)> TestAsync(
        string projectId,
        long? id,
        JudgeEndpointDraft draft,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        JudgeEndpoint? stored = null;
        if (id is { } existing)
        {
            stored = await db.JudgeEndpoints.AsNoTracking()
                .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == existing, cancellationToken);
            if (stored is null)
            {
                return (null, [], true);
            }
        }

        var (candidate, key, errors) = Check(draft, stored);
        await CheckDestinationAsync(candidate, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return (null, errors, false);
        }

        var result = await connectionTester.TestAsync(
            JudgeEvaluatorFactory.OptionsOf(candidate, key, null, null),
            cancellationToken);
        return (result, result.Succeeded ? [] : [ErrorOf(result)], false);
    }

    /// <summary>Deletes an endpoint no evaluator's current version uses.</summary>
    public async Task<(bool Deleted, IReadOnlyList<FieldError> Errors)> DeleteAsync(
        string projectId,
        long id,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.JudgeEndpoints
            .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return (false, []);
        }

        var users = await UsersAsync(db, projectId, cancellationToken);
        if (users.TryGetValue(id, out var names) && names.Count > 0)
        {
            return (false, [new FieldError(
                "id",
                $"The endpoint is used by {string.Join(", ", names)}; give them another endpoint first.")]);
        }

        db.JudgeEndpoints.Remove(endpoint);
        await db.SaveChangesAsync(cancellationToken);
        return (true, []);
    }

    private async Task<JudgeEndpointSaveResult> SaveAsync(
        string projectId,
        long? id,
        JudgeEndpointDraft draft,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        JudgeEndpoint? endpoint = null;
        if (id is { } existing)
        {
            endpoint = await db.JudgeEndpoints
                .FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Id == existing, cancellationToken);
            if (endpoint is null)
            {
                return new JudgeEndpointSaveResult(null, [], NotFound: true);
            }
        }

        var (candidate, key, errors) = Check(draft, endpoint);
        await CheckDestinationAsync(candidate, errors, cancellationToken);
        var name = candidate.Name;
        if (errors.All(e => e.Field != "name"))
        {
            var taken = await db.JudgeEndpoints.AsNoTracking()
                .Where(e => e.ProjectId == projectId && (id == null || e.Id != id))
                .Select(e => e.Name)
                .ToListAsync(cancellationToken);
            if (taken.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new FieldError("name", $"A judge endpoint named '{name}' exists already."));
            }
        }

        if (errors.Count > 0)
        {
            return new JudgeEndpointSaveResult(null, errors);
        }

        JudgeConnectionResult? test = null;
        if (endpoint is null || ConnectionChanged(endpoint, candidate, draft))
        {
            test = await connectionTester.TestAsync(
                JudgeEvaluatorFactory.OptionsOf(candidate, key, null, null),
                cancellationToken);
            if (!test.Succeeded)
            {
                return new JudgeEndpointSaveResult(null, [ErrorOf(test)], test);
            }
        }

        var now = timeProvider.GetUtcNow();
        if (endpoint is null)
        {
            endpoint = candidate;
            endpoint.ProjectId = projectId;
            endpoint.CreatedAt = now;
            db.JudgeEndpoints.Add(endpoint);
        }
        else
        {
            endpoint.Name = candidate.Name;
            endpoint.Provider = candidate.Provider;
            endpoint.BaseUrl = candidate.BaseUrl;
            endpoint.Model = candidate.Model;
            endpoint.ApiVersion = candidate.ApiVersion;
            endpoint.ProtectedApiKey = candidate.ProtectedApiKey;
            endpoint.TimeoutSeconds = candidate.TimeoutSeconds;
            endpoint.MaxAttempts = candidate.MaxAttempts;
            endpoint.MaxConcurrency = candidate.MaxConcurrency;
            endpoint.InputPricePerMillion = candidate.InputPricePerMillion;
            endpoint.OutputPricePerMillion = candidate.OutputPricePerMillion;
            endpoint.RequestJsonFormat = candidate.RequestJsonFormat;
        }

        endpoint.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        var users = await UsersAsync(db, projectId, cancellationToken);
        return new JudgeEndpointSaveResult(ToView(endpoint, users), [], test);
    }

    /// <summary>The endpoint the draft describes (key protected), its plain key for a test, and every fault.</summary>
    /// <summary>The outbound rules, checked before any call is made to the address.</summary>
    private async Task CheckDestinationAsync(
        JudgeEndpoint candidate,
        List<FieldError> errors,
        CancellationToken cancellationToken)
    {
        if (outbound is null
            || errors.Any(e => e.Field == "baseUrl")
            || !Uri.TryCreate(candidate.BaseUrl, UriKind.Absolute, out var uri))
        {
            return;
        }

        if (await outbound.CheckAsync(uri.IdnHost, cancellationToken) is { } refusal)
        {
            errors.Add(new FieldError("baseUrl", refusal));
        }
    }

    private (JudgeEndpoint Candidate, string? Key, List<FieldError> Errors) Check(
        JudgeEndpointDraft draft,
        JudgeEndpoint? stored)
    {
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim() ?? string.Empty;
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add(new FieldError("name", $"A name of 1 to {MaxNameLength} printable characters is required."));
        }

        var provider = draft.Provider?.Trim();
        if (JudgeProviderNames.Parse(provider) is null)
        {
            errors.Add(new FieldError(
                "provider",
                $"The provider must be one of {string.Join(", ", JudgeProviderNames.All)}."));
        }

        var baseUrl = draft.BaseUrl?.Trim() ?? string.Empty;
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(new FieldError("baseUrl", "The base URL must be an absolute http or https address."));
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add(new FieldError("baseUrl", "Put the key in the key field, not in the address."));
        }

        var model = draft.Model?.Trim() ?? string.Empty;
        if (model.Length == 0 || model.Length > 200)
        {
            errors.Add(new FieldError(
                "model",
                provider == JudgeProviderNames.AzureOpenAI
                    ? "The deployment name is required (at most 200 characters)."
                    : "The model name is required (at most 200 characters)."));
        }

        string? apiVersion = null;
        if (provider == JudgeProviderNames.AzureOpenAI)
        {
            apiVersion = string.IsNullOrWhiteSpace(draft.ApiVersion)
                ? JudgeProviderNames.AzureApiVersions[0]
                : draft.ApiVersion.Trim();
            if (!JudgeProviderNames.AzureApiVersions.Contains(apiVersion))
            {
                errors.Add(new FieldError(
                    "apiVersion",
                    $"The API version must be one of {string.Join(", ", JudgeProviderNames.AzureApiVersions)}."));
            }
        }

        string? key = null;
        var protectedKey = draft.ClearApiKey ? null : stored?.ProtectedApiKey;
        if (!string.IsNullOrWhiteSpace(draft.ApiKey))
        {
            key = draft.ApiKey.Trim();
            protectedKey = protector.Protect(key);
        }
        else if (protectedKey is not null)
        {
            try
            {
                key = protector.Unprotect(protectedKey);
            }
            catch (CryptographicException)
            {
                errors.Add(new FieldError("apiKey", "The stored key cannot be decrypted here; enter it again."));
            }
        }

        if (provider == JudgeProviderNames.AzureOpenAI && key is null && errors.All(e => e.Field != "apiKey"))
        {
            errors.Add(new FieldError("apiKey", "Azure OpenAI needs a key."));
        }

        Range(errors, "timeoutSeconds", draft.TimeoutSeconds, 1, 600, "The timeout");
        Range(errors, "maxAttempts", draft.MaxAttempts, 1, 10, "Attempts per call");
        Range(errors, "maxConcurrency", draft.MaxConcurrency, 1, 64, "Calls at once");
        if (draft.InputPricePerMillion < 0)
        {
            errors.Add(new FieldError("inputPricePerMillion", "The input price must not be negative."));
        }

        if (draft.OutputPricePerMillion < 0)
        {
            errors.Add(new FieldError("outputPricePerMillion", "The output price must not be negative."));
        }

        var candidate = new JudgeEndpoint
        {
            Id = stored?.Id ?? 0,
            ProjectId = stored?.ProjectId ?? string.Empty,
            Name = name,
            Provider = provider ?? string.Empty,
            BaseUrl = baseUrl,
            Model = model,
            ApiVersion = apiVersion,
            ProtectedApiKey = protectedKey,
            TimeoutSeconds = draft.TimeoutSeconds,
            MaxAttempts = draft.MaxAttempts,
            MaxConcurrency = draft.MaxConcurrency,
            InputPricePerMillion = draft.InputPricePerMillion,
            OutputPricePerMillion = draft.OutputPricePerMillion,
            RequestJsonFormat = draft.RequestJsonFormat,
        };
        return (candidate, key, errors);
    }

    private static void Range(List<FieldError> errors, string field, int value, int min, int max, string what)
    {
        if (value < min || value > max)
        {
            errors.Add(new FieldError(field, $"{what} must lie between {min} and {max}."));
        }
    }

    private static bool ConnectionChanged(JudgeEndpoint stored, JudgeEndpoint candidate, JudgeEndpointDraft draft)
        => stored.Provider != candidate.Provider
            || stored.BaseUrl != candidate.BaseUrl
            || stored.Model != candidate.Model
            || stored.ApiVersion != candidate.ApiVersion
            || stored.RequestJsonFormat != candidate.RequestJsonFormat
            || stored.TimeoutSeconds != candidate.TimeoutSeconds
            || !string.IsNullOrWhiteSpace(draft.ApiKey)
            || draft.ClearApiKey;

    private static FieldError ErrorOf(JudgeConnectionResult result) => result.Problem switch
    {
        JudgeConnectionProblem.Key => new FieldError("apiKey", result.Message),
        JudgeConnectionProblem.Model => new FieldError("model", result.Message),
        _ => new FieldError("baseUrl", result.Message),
    };

    /// <summary>For each endpoint, the evaluators whose current version asks it.</summary>
    private static async Task<Dictionary<long, List<string>>> UsersAsync(
        LlmObserveDbContext db,
        string projectId,
        CancellationToken cancellationToken)
    {
        var uses = await (
                from evaluator in db.Evaluators.AsNoTracking()
                join version in db.EvaluatorVersions.AsNoTracking()
                    on new { Id = evaluator.Id, Version = evaluator.CurrentVersion }
                    equals new { Id = version.EvaluatorId, version.Version }
                where evaluator.ProjectId == projectId && version.JudgeEndpointId != null
                select new { EndpointId = version.JudgeEndpointId!.Value, evaluator.Name })
            .ToListAsync(cancellationToken);
        return uses.GroupBy(u => u.EndpointId).ToDictionary(g => g.Key, g => g.Select(u => u.Name).Order().ToList());
    }

    private static JudgeEndpointView ToView(JudgeEndpoint e, Dictionary<long, List<string>> users) => new(
        e.Id,
        e.Name,
        e.Provider,
        e.BaseUrl,
        e.Model,
        e.ApiVersion,
        e.ProtectedApiKey is not null,
        e.TimeoutSeconds,
        e.MaxAttempts,
        e.MaxConcurrency,
        e.InputPricePerMillion,
        e.OutputPricePerMillion,
        e.RequestJsonFormat,
        e.CreatedAt,
        e.UpdatedAt,
        users.GetValueOrDefault(e.Id) ?? []);
}
