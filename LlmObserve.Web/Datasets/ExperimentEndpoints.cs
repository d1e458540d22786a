using LlmObserve.Core.Experiments;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Datasets;

/// <summary>Experiments over the API: start one, follow it, compare two, and the CI gate.</summary>
internal static class ExperimentEndpoints
{
    public static void Map(RouteGroupBuilder experiments)
    {
        experiments.MapPost("/", CreateAsync);
        experiments.MapGet("/", async (string? datasetId, HttpContext http, ExperimentService s, CancellationToken c)
            => Results.Ok(await s.ListAsync(DatasetEndpoints.ProjectOf(http), datasetId, c)))
            .RequireKeyScope(ApiKeyScope.Read);
        experiments.MapGet("/{id}", async (string id, HttpContext http, ExperimentService s, CancellationToken c)
            => await s.GetAsync(DatasetEndpoints.ProjectOf(http), id, c) is { } experiment
                ? Results.Ok(experiment)
                : RequestJson.NotFound("experiment"))
            .RequireKeyScope(ApiKeyScope.Read);
        experiments.MapGet(
            "/{id}/results",
            async (string id, HttpContext http, ExperimentService s, CancellationToken c)
                => await s.ResultsAsync(DatasetEndpoints.ProjectOf(http), id, c) is { } results
                    ? Results.Ok(results)
                    : RequestJson.NotFound("experiment"))
            .RequireKeyScope(ApiKeyScope.Read);
        experiments.MapGet(
            "/{id}/compare/{baselineId}",
            async (string id, string baselineId, HttpContext http, ExperimentService s, CancellationToken c)
                => await s.CompareAsync(DatasetEndpoints.ProjectOf(http), baselineId, id, c) is { } comparison
                    ? Results.Ok(comparison)
                    : RequestJson.NotFound("experiment (or baseline)"))
            .RequireKeyScope(ApiKeyScope.Read);

        // The gate only reads a finished run, so CI can hold a read key for it.
        experiments.MapPost("/{id}/gate", GateAsync).RequireKeyScope(ApiKeyScope.Read);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        ExperimentService service,
        ExperimentSignal signal,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<ExperimentDraft>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (experiment, errors) = await service.CreateAsync(DatasetEndpoints.ProjectOf(http), request, cancel);
        if (experiment is null)
        {
            return RequestJson.Invalid(errors, "The experiment was not started");
        }

        signal.Wake();
        return Results.Created($"/api/experiments/{experiment.Id}", experiment);
    }

    private static async Task<IResult> GateAsync(
        string id,
        HttpContext http,
        ExperimentService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<GateRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (result, errors, notFound) = await service.GateAsync(DatasetEndpoints.ProjectOf(http), id, request, cancel);
        if (notFound)
        {
            return RequestJson.NotFound("experiment");
        }

        return result is null ? RequestJson.Invalid(errors, "The gate could not decide") : Results.Ok(result);
    }
}
