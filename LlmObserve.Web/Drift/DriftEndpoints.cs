using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Drift;

/// <summary>
/// <c>/api/drift/monitors</c>: drift monitors of the caller's project, "run now" and the results time series.
/// Refusals are RFC 7807 problems whose <c>errors</c> are keyed by the field at fault.
/// </summary>
internal static class DriftEndpoints
{
    public static WebApplication MapLlmObserveDrift(this WebApplication app)
    {
        var monitors = app.MapGroup("/api/drift/monitors")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Viewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        monitors.MapGet("/", ListAsync).RequireKeyScope(ApiKeyScope.Read);
        monitors.MapPost("/", CreateAsync).Audited(AuditActions.DriftMonitorCreated);
        monitors.MapGet("/{id}", GetAsync).RequireKeyScope(ApiKeyScope.Read);
        monitors.MapPut("/{id}", UpdateAsync).Audited(AuditActions.DriftMonitorUpdated);
        monitors.MapDelete("/{id}", DeleteAsync).Audited(AuditActions.DriftMonitorDeleted);
        monitors.MapPost("/{id}/run", RunAsync);
        monitors.MapGet("/{id}/results", ResultsAsync).RequireKeyScope(ApiKeyScope.Read);
        return app;
    }

    private static string ProjectOf(HttpContext http) => http.GetApiKeyIdentity().ProjectId;

    private static async Task<IResult> ListAsync(
        HttpContext http,
        DriftMonitorService service,
        CancellationToken cancel)
        => Results.Ok(await service.ListAsync(ProjectOf(http), cancel));

    private static async Task<IResult> GetAsync(
        string id,
        HttpContext http,
        DriftMonitorService service,
        CancellationToken cancel)
        => await service.GetAsync(ProjectOf(http), id, cancel) is { } view
            ? Results.Ok(view)
            : RequestJson.NotFound("drift monitor");

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        DriftMonitorService service,
        CancellationToken cancel)
    {
        var (draft, problem) = await RequestJson.ReadAsync<DriftMonitorDraft>(http, cancel);
        if (draft is null)
        {
            return problem!;
        }

        var result = await service.CreateAsync(ProjectOf(http), draft, cancel);
        return result.Monitor is { } created
            ? Results.Created($"/api/drift/monitors/{created.Id}", created)
            : RequestJson.Invalid(result.Errors, "The drift monitor was not saved");
    }

    private static async Task<IResult> UpdateAsync(
        string id,
        HttpContext http,
        DriftMonitorService service,
        CancellationToken cancel)
    {
        var (draft, problem) = await RequestJson.ReadAsync<DriftMonitorDraft>(http, cancel);
        if (draft is null)
        {
            return problem!;
        }

        var result = await service.UpdateAsync(ProjectOf(http), id, draft, cancel);
        if (result.NotFound)
        {
            return RequestJson.NotFound("drift monitor");
        }

        return result.Monitor is { } updated
            ? Results.Ok(updated)
            : RequestJson.Invalid(result.Errors, "The drift monitor was not saved");
    }

    private static async Task<IResult> DeleteAsync(
        string id,
        HttpContext http,
        DriftMonitorService service,
        CancellationToken cancel)
        => await service.DeleteAsync(ProjectOf(http), id, cancel)
            ? Results.NoContent()
            : RequestJson.NotFound("drift monitor");

    /// <summary>Runs the monitor now; <c>at</c> (ISO-8601, not in the future) runs it as of an earlier time.</summary>
    private static async Task<IResult> RunAsync(
        string id,
        HttpContext http,
        DriftMonitorService service,
        DriftMonitorRunner runner,
        TimeProvider time,
        CancellationToken cancel)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? at = null;
        if (http.Request.Query.TryGetValue("at", out var text))
        {
            var styles = DateTimeStyles.AssumeUniversal;
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var parsed))
            {
                return RequestJson.Invalid([new FieldError("at", $"'at' must be an ISO-8601 time (got '{text}').")]);
            }

            if (parsed > now)
            {
                return RequestJson.Invalid([new FieldError("at", "'at' must not lie in the future.")]);
            }

            at = parsed;
        }

        var projectId = ProjectOf(http);
        var monitor = await service.GetAsync(projectId, id, cancel);
        if (monitor is null)
        {
            return RequestJson.NotFound("drift monitor");
        }

        if (monitor.ReferenceTo is { } referenceTo && referenceTo > (at ?? now).AddMinutes(-monitor.CurrentMinutes))
        {
            return RequestJson.Invalid(
            [
                new FieldError(
                    at is null ? "referenceTo" : "at",
                    "The fixed reference window overlaps the current window of a run at this time."),
            ]);
        }

        var result = await runner.RunAsync(projectId, id, at, DriftMonitorRunner.ManualTrigger, cancel);
        return result is null ? RequestJson.NotFound("drift monitor") : Results.Ok(result);
    }

    private static async Task<IResult> ResultsAsync(
        string id,
        HttpContext http,
        DriftResultQueries queries,
        CancellationToken cancel)
    {
        var query = http.Request.Query;
        var errors = new List<FieldError>();
        var from = Time(query, "from", errors);
        var to = Time(query, "to", errors);
        var limit = DriftResultQueries.DefaultLimit;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > DriftResultQueries.MaxLimit))
        {
            errors.Add(new FieldError(
                "limit",
                $"'limit' must be a whole number from 1 to {DriftResultQueries.MaxLimit}."));
        }

        var details = false;
        if (query.TryGetValue("details", out var detailsText) && !bool.TryParse(detailsText, out details))
        {
            errors.Add(new FieldError("details", "'details' must be true or false."));
        }

        if (from is not null && to is not null && to <= from)
        {
            errors.Add(new FieldError("to", "'to' must come after 'from'."));
        }

        if (errors.Count > 0)
        {
            return RequestJson.Invalid(errors);
        }

        var results = await queries.ListAsync(ProjectOf(http), id, from, to, limit, details, cancel);
        return results is null ? RequestJson.NotFound("drift monitor") : Results.Ok(results);
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name, List<FieldError> errors)
    {
        if (!query.TryGetValue(name, out var text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        errors.Add(new FieldError(name, $"'{name}' must be an ISO-8601 time (got '{text}')."));
        return null;
    }
}
