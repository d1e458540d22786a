using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Feedback;

/// <summary>The body of <c>PUT /api/project/feedback-origins</c>.</summary>
public sealed record FeedbackOriginsRequest(IReadOnlyList<string?>? Origins);

/// <summary>The body of <c>POST /api/project/browser-keys</c>.</summary>
public sealed record BrowserKeyRequest(string? Name);

/// <summary>
/// Browser access of the caller's project, managed with its (full) key: the feedback origins and the browser keys.
/// </summary>
internal static class BrowserAccessEndpoints
{
    public static WebApplication MapLlmObserveBrowserAccess(this WebApplication app)
    {
        var project = app.MapGroup("/api/project")
            .RequireApiKey()
            .RequireRole(ProjectRole.Admin)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        project.MapGet("/browser-access", async (HttpContext http, BrowserAccessService service, CancellationToken c)
            => Results.Ok(await service.GetAsync(http.GetApiKeyIdentity().ProjectId, c)));
        project.MapPut("/feedback-origins", SetOriginsAsync).Audited(AuditActions.FeedbackOriginsChanged);
        project.MapPost("/browser-keys", CreateKeyAsync).Audited(AuditActions.BrowserKeyCreated);
        project.MapDelete(
            "/browser-keys/{id:long}",
            async (long id, HttpContext http, BrowserAccessService service, CancellationToken c)
                => await service.RevokeKeyAsync(http.GetApiKeyIdentity().ProjectId, id, c)
                    ? Results.Ok(await service.GetAsync(http.GetApiKeyIdentity().ProjectId, c))
                    : RequestJson.NotFound("browser key"))
            .Audited(AuditActions.BrowserKeyRevoked);
        return app;
    }

    private static async Task<IResult> SetOriginsAsync(
        HttpContext http,
        BrowserAccessService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<FeedbackOriginsRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (view, errors) = await service.SetOriginsAsync(http.GetApiKeyIdentity().ProjectId, request.Origins, cancel);
        return view is null ? RequestJson.Invalid(errors, "The origins were not saved") : Results.Ok(view);
    }

    private static async Task<IResult> CreateKeyAsync(
        HttpContext http,
        BrowserAccessService service,
        CancellationToken cancel)
    {
        BrowserKeyRequest? request = null;
        if (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType())
        {
            (request, var problem) = await RequestJson.ReadAsync<BrowserKeyRequest>(http, cancel);
            if (request is null)
            {
                return problem!;
            }
        }

        var key = await service.CreateKeyAsync(http.GetApiKeyIdentity().ProjectId, request?.Name, cancel);
        return Results.Created("/api/project/browser-access", key);
    }
}
