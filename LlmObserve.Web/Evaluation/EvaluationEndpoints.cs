using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Scores;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// The body of <c>POST /api/scores</c>'s answer: <c>Id</c> is LlmObserve's number for the score, <c>ClientId</c> the
/// id the sender gave it; <c>AlreadyStored</c> says that a score under that id was stored before and is the answer.
/// </summary>
public sealed record ScoreResponse(
    long Id,
    string TraceId,
    string? SpanId,
    string Name,
    double? Value,
    string? Label,
    string? Explanation,
    string Source,
    DateTimeOffset CreatedAt,
    string? ClientId,
    bool AlreadyStored);

/// <summary>
/// <c>/api/evaluators</c>, <c>/api/judge-endpoints</c> and <c>POST /api/scores</c>, scoped to the project of the
/// caller's key. Refusals are RFC 7807 problems whose <c>errors</c> are keyed by the field at fault.
/// </summary>
internal static class EvaluationEndpoints
{
    public static WebApplication MapLlmObserveEvaluation(this WebApplication app)
    {
        var evaluators = app.MapGroup("/api/evaluators")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Viewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        evaluators.MapGet("/", ListEvaluatorsAsync).RequireKeyScope(ApiKeyScope.Read);
        evaluators.MapPost("/", CreateEvaluatorAsync).Audited(AuditActions.EvaluatorCreated);
        evaluators.MapGet("/{id}", GetEvaluatorAsync).RequireKeyScope(ApiKeyScope.Read);
        evaluators.MapPut("/{id}", UpdateEvaluatorAsync).Audited(AuditActions.EvaluatorUpdated);
        evaluators.MapPost("/{id}/enable", (string id, HttpContext http, EvaluatorService service, CancellationToken c)
                => SetEnabledAsync(id, true, http, service, c))
            .Audited(AuditActions.EvaluatorEnabled);
        evaluators.MapPost("/{id}/disable", (string id, HttpContext http, EvaluatorService service, CancellationToken c)
                => SetEnabledAsync(id, false, http, service, c))
            .Audited(AuditActions.EvaluatorDisabled);
        evaluators.MapPost("/{id}/backfill", BackfillAsync);
        evaluators.MapGet("/{id}/status", StatusAsync).RequireKeyScope(ApiKeyScope.Read);

        // Judge endpoints name hosts and deployments the team may not want a read key to learn: settings only.
        var endpoints = app.MapGroup("/api/judge-endpoints")
            .RequireApiKey()
            .RequireRole(ProjectRole.Admin)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        endpoints.MapGet("/", ListEndpointsAsync);
        endpoints.MapPost("/", CreateEndpointAsync).Audited(AuditActions.JudgeEndpointCreated);
        endpoints.MapPost("/test", TestDraftAsync);
        endpoints.MapGet("/{id:long}", GetEndpointAsync);
        endpoints.MapPut("/{id:long}", UpdateEndpointAsync).Audited(AuditActions.JudgeEndpointUpdated);
        endpoints.MapDelete("/{id:long}", DeleteEndpointAsync).Audited(AuditActions.JudgeEndpointDeleted);
        endpoints.MapPost("/{id:long}/test", TestSavedAsync);

        // Scores are what an instrumented application posts beside its traces, as /api/ingest batches already can.
        app.MapPost("/api/scores", AddScoreAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.Ingest)
            .DisableAntiforgery();
        return app;
    }

    private static string ProjectOf(HttpContext http) => http.GetApiKeyIdentity().ProjectId;

    private static async Task<IResult> ListEvaluatorsAsync(
        HttpContext http,
        EvaluatorService service,
        CancellationToken cancel)
        => Results.Ok(await service.ListAsync(ProjectOf(http), cancel));

    private static async Task<IResult> GetEvaluatorAsync(
        string id,
        HttpContext http,
        EvaluatorService service,
        CancellationToken cancel)
        => await service.GetAsync(ProjectOf(http), id, cancel) is { } view
            ? Results.Ok(view)
            : RequestJson.NotFound("evaluator");

    private static async Task<IResult> CreateEvaluatorAsync(
        HttpContext http,
        EvaluatorService service,
        TimeProvider time,
        ILogger<EvaluatorService> logger,
        CancellationToken cancel)
    {
        var (draft, problem) = await ReadDraftAsync(http, time, cancel);
        if (draft is null)
        {
            return problem!;
        }

        var result = await service.CreateAsync(ProjectOf(http), draft, cancel);
        if (result.Evaluator is not { } created)
        {
            return RequestJson.Invalid(result.Errors, "The evaluator was not saved");
        }

        EvaluationWebLog.EvaluatorSaved(logger, created.Id, "created");
        return Results.Created($"/api/evaluators/{created.Id}", created);
    }

    private static async Task<IResult> UpdateEvaluatorAsync(
        string id,
        HttpContext http,
        EvaluatorService service,
        TimeProvider time,
        ILogger<EvaluatorService> logger,
        CancellationToken cancel)
    {
        var (draft, problem) = await ReadDraftAsync(http, time, cancel);
        if (draft is null)
        {
            return problem!;
        }

        var result = await service.UpdateAsync(ProjectOf(http), id, draft, cancel);
        if (result.NotFound)
        {
            return RequestJson.NotFound("evaluator");
        }

        if (result.Evaluator is not { } updated)
        {
            return RequestJson.Invalid(result.Errors, "The evaluator was not saved");
        }

        EvaluationWebLog.EvaluatorSaved(
            logger,
            updated.Id,
            result.NewVersion ? $"version {updated.Version}" : "same version");
        return Results.Ok(updated);
    }

    private static async Task<(EvaluatorDraft? Draft, IResult? Problem)> ReadDraftAsync(
        HttpContext http,
        TimeProvider time,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<EvaluatorRequest>(http, cancel);
        if (request is null)
        {
            return (null, problem);
        }

        var (draft, errors) = EvaluationRequestMapping.ToDraft(request, time.GetUtcNow());
        return draft is null ? (null, RequestJson.Invalid(errors, "The evaluator was not saved")) : (draft, null);
    }

    private static async Task<IResult> SetEnabledAsync(
        string id,
        bool enabled,
        HttpContext http,
        EvaluatorService service,
        CancellationToken cancel)
        => await service.SetEnabledAsync(ProjectOf(http), id, enabled, cancel) is { } view
            ? Results.Ok(view)
            : RequestJson.NotFound("evaluator");

    private static async Task<IResult> BackfillAsync(
        string id,
        HttpContext http,
        EvaluatorService service,
        ILogger<EvaluatorService> logger,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<BackfillRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (backfill, errors, notFound) = await service.BackfillAsync(
            ProjectOf(http),
            id,
            request.From,
            request.To,
            cancel);
        if (notFound)
        {
            return RequestJson.NotFound("evaluator");
        }

        if (backfill is null)
        {
            return RequestJson.Invalid(errors, "The backfill was not started");
        }

        EvaluationWebLog.BackfillRequested(logger, backfill.Id, id, backfill.From, backfill.To);
        return Results.Accepted($"/api/evaluators/{id}/status", backfill);
    }

    private static async Task<IResult> StatusAsync(
        string id,
        HttpContext http,
        EvaluatorService service,
        CancellationToken cancel)
        => await service.GetStatusAsync(ProjectOf(http), id, cancel) is { } status
            ? Results.Ok(status)
            : RequestJson.NotFound("evaluator");

    private static async Task<IResult> ListEndpointsAsync(
        HttpContext http,
        JudgeEndpointService service,
        CancellationToken cancel)
        => Results.Ok(await service.ListAsync(ProjectOf(http), cancel));

    private static async Task<IResult> GetEndpointAsync(
        long id,
        HttpContext http,
        JudgeEndpointService service,
        CancellationToken cancel)
        => await service.GetAsync(ProjectOf(http), id, cancel) is { } view
            ? Results.Ok(view)
            : RequestJson.NotFound("judge endpoint");

    private static async Task<IResult> CreateEndpointAsync(
        HttpContext http,
        JudgeEndpointService service,
        ILogger<JudgeEndpointService> logger,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<JudgeEndpointRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var result = await service.CreateAsync(ProjectOf(http), request.ToDraft(), cancel);
        if (result.Endpoint is not { } created)
        {
            return RequestJson.Invalid(result.Errors, "The judge endpoint was not saved");
        }

        EvaluationWebLog.EndpointSaved(logger, created.Id, DisplayOf(created), created.KeySet ? "set" : "not set");
        return Results.Created($"/api/judge-endpoints/{created.Id}", created);
    }

    private static async Task<IResult> UpdateEndpointAsync(
        long id,
        HttpContext http,
        JudgeEndpointService service,
        ILogger<JudgeEndpointService> logger,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<JudgeEndpointRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var result = await service.UpdateAsync(ProjectOf(http), id, request.ToDraft(), cancel);
        if (result.NotFound)
        {
            return RequestJson.NotFound("judge endpoint");
        }

        if (result.Endpoint is not { } updated)
        {
            return RequestJson.Invalid(result.Errors, "The judge endpoint was not saved");
        }

        EvaluationWebLog.EndpointSaved(logger, updated.Id, DisplayOf(updated), updated.KeySet ? "set" : "not set");
        return Results.Ok(updated);
    }

    private static async Task<IResult> DeleteEndpointAsync(
        long id,
        HttpContext http,
        JudgeEndpointService service,
        CancellationToken cancel)
    {
        var (deleted, errors) = await service.DeleteAsync(ProjectOf(http), id, cancel);
        return deleted ? Results.NoContent()
            : errors.Count > 0 ? RequestJson.Invalid(errors, "The judge endpoint was not deleted")
            : RequestJson.NotFound("judge endpoint");
    }

    private static Task<IResult> TestDraftAsync(
        HttpContext http,
        JudgeEndpointService service,
        CancellationToken cancel)
        => TestAsync(null, http, service, cancel);

    private static Task<IResult> TestSavedAsync(
        long id,
        HttpContext http,
        JudgeEndpointService service,
        CancellationToken cancel)
        => TestAsync(id, http, service, cancel);

    /// <summary>
    /// One real call with the body's settings; for a saved endpoint, the body may be left out to test it as stored.
    /// A failed test is still a 200: the call was made, and its answer says why it failed.
    /// </summary>
    private static async Task<IResult> TestAsync(
        long? id,
        HttpContext http,
        JudgeEndpointService service,
        CancellationToken cancel)
    {
        var projectId = ProjectOf(http);
        JudgeEndpointDraft draft;
        if (id is { } saved && http.Request.ContentLength is null or 0)
        {
            if (await service.GetAsync(projectId, saved, cancel) is not { } stored)
            {
                return RequestJson.NotFound("judge endpoint");
            }

            draft = DraftOf(stored);
        }
        else
        {
            var (request, problem) = await RequestJson.ReadAsync<JudgeEndpointRequest>(http, cancel);
            if (request is null)
            {
                return problem!;
            }

            draft = request.ToDraft();
        }

        var (result, errors, notFound) = await service.TestAsync(projectId, id, draft, cancel);
        if (notFound)
        {
            return RequestJson.NotFound("judge endpoint");
        }

        return result is null
            ? RequestJson.Invalid(errors, "The judge endpoint settings are not valid")
            : Results.Ok(new ConnectionTestResponse(result.Succeeded, result.Message));
    }

    private static JudgeEndpointDraft DraftOf(JudgeEndpointView view) => new()
    {
        Name = view.Name,
        Provider = view.Provider,
        BaseUrl = view.BaseUrl,
        Model = view.Model,
        ApiVersion = view.ApiVersion,
        TimeoutSeconds = view.TimeoutSeconds,
        MaxAttempts = view.MaxAttempts,
        MaxConcurrency = view.MaxConcurrency,
        InputPricePerMillion = view.InputPricePerMillion,
        OutputPricePerMillion = view.OutputPricePerMillion,
        RequestJsonFormat = view.RequestJsonFormat,
    };

    private static string DisplayOf(JudgeEndpointView view)
        => Uri.TryCreate(view.BaseUrl, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}"
            : "(invalid address)";

    private static async Task<IResult> AddScoreAsync(
        HttpContext http,
        ScoreService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<ScoreRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var draft = new ScoreDraft(
            request.TraceId,
            request.SpanId,
            request.Name,
            request.Value,
            request.Label,
            request.Explanation,
            request.Id);
        var (score, alreadyStored, errors) = await service.AddAsync(ProjectOf(http), draft, cancel);
        if (score is null)
        {
            return RequestJson.Invalid(errors, "The score was not stored");
        }

        // A retry under the same id gets the score stored first, answered as the first send was, and says so.
        return Results.Created(
            $"/api/traces/{score.TraceId}",
            new ScoreResponse(
                score.Id,
                score.TraceId,
                score.SpanId,
                score.Name,
                score.Value,
                score.Label,
                score.Explanation,
                score.Source,
                score.CreatedAt,
                score.ClientId,
                alreadyStored));
    }
}
