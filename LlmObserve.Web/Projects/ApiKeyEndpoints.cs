using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;

namespace LlmObserve.Web.Projects;

/// <summary>The body of <c>POST /api/project/keys</c>.</summary>
public sealed record ApiKeyRequest(string? Name, string? Scope);

/// <summary>
/// The caller's project keys, managed with a key of scope <c>all</c>: list (never a secret or its hash), create (the
/// secret is in the answer, once) and revoke. A key may not revoke itself: the request that would cut off its own
/// access is refused with 409, so a script cannot lock itself out by accident; revoke it with another key or on the
/// page.
/// </summary>
internal static class ApiKeyEndpoints
{
    public static WebApplication MapLlmObserveApiKeys(this WebApplication app)
    {
        var keys = app.MapGroup("/api/project/keys")
            .RequireApiKey()
            .RequireRole(ProjectRole.Admin)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        keys.MapGet("", async (HttpContext http, ApiKeyService service, CancellationToken c)
            => Results.Ok(await service.ListAsync(http.GetApiKeyIdentity().ProjectId, c)));
        keys.MapPost("", CreateAsync);
        keys.MapDelete("/{id:long}", RevokeAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        ApiKeyService service,
        AuditActor actor,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<ApiKeyRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var projectId = http.GetApiKeyIdentity().ProjectId;
        var (created, errors) = await service.CreateAsync(projectId, request.Name, request.Scope, cancel);
        if (created is null)
        {
            return RequestJson.Invalid(errors, "The key was not created");
        }

        await actor.RecordAsync(
            projectId,
            AuditActions.KeyCreated,
            created.Key.PublicKey,
            new { name = created.Key.Name, scope = created.Key.Scope },
            CancellationToken.None);
        return Results.Created($"/api/project/keys/{created.Key.Id}", created);
    }

    private static async Task<IResult> RevokeAsync(
        long id,
        HttpContext http,
        ApiKeyService service,
        AuditActor actor,
        CancellationToken cancel)
    {
        var identity = http.GetApiKeyIdentity();
        if (identity.KeyId == id)
        {
            return Results.Problem(
                title: "A key cannot revoke itself",
                detail: "This request is authenticated with the key it would revoke: revoke it with another key of "
                    + "scope 'all' or on the Settings › API keys page.",
                statusCode: StatusCodes.Status409Conflict);
        }

        var before = await service.FindAsync(identity.ProjectId, id, cancel);
        var key = await service.RevokeAsync(identity.ProjectId, id, cancel);
        if (key is null)
        {
            return RequestJson.NotFound("key");
        }

        if (before is { Revoked: false })
        {
            await actor.RecordAsync(
                identity.ProjectId,
                AuditActions.KeyRevoked,
                key.PublicKey,
                new { name = key.Name, scope = key.Scope },
                CancellationToken.None);
        }

        return Results.Ok(key);
    }
}
