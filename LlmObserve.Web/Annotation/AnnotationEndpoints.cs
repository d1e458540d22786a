using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Annotation;

/// <summary>The body of <c>POST /api/annotation-queues</c>.</summary>
public sealed record AnnotationQueueRequest(
    string? Name,
    string? Filter,
    int? SampleSize,
    int? ReviewsPerItem,
    int? LeaseSeconds,
    IReadOnlyList<ScoreConfigDraft>? ScoreConfigs);

/// <summary>
/// A reviewer's call: who they are (with a project key, the name they go by; a signed-in person is their account and
/// the field is ignored) and, for labels, the value per score name.
/// </summary>
public sealed record ReviewerRequest(string? Reviewer, Dictionary<string, JsonElement>? Values);

/// <summary>
/// Annotation queues over the API: create and list them, and the reviewer workflow for tools that label outside the
/// web page. With a project key the reviewer is named in the body; with a sign-in cookie it is the signed-in account.
/// </summary>
internal static class AnnotationEndpoints
{
    public static WebApplication MapLlmObserveAnnotation(this WebApplication app)
    {
        var queues = app.MapGroup("/api/annotation-queues")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Reviewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        queues.MapPost("/", CreateAsync);
        queues.MapGet("/", async (HttpContext http, AnnotationService service, CancellationToken c)
            => Results.Ok(await service.ListAsync(ProjectOf(http), c)))
            .RequireKeyScope(ApiKeyScope.Read);
        queues.MapGet("/{id}", async (string id, HttpContext http, AnnotationService service, CancellationToken c)
            => await service.GetAsync(ProjectOf(http), id, c) is { } queue
                ? Results.Ok(queue)
                : RequestJson.NotFound("annotation queue"))
            .RequireKeyScope(ApiKeyScope.Read);
        queues.MapGet(
            "/{id}/agreement",
            async (string id, HttpContext http, AnnotationService service, CancellationToken c)
                => await service.AgreementAsync(ProjectOf(http), id, c) is { } agreement
                    ? Results.Ok(agreement)
                    : RequestJson.NotFound("annotation queue"))
            .RequireKeyScope(ApiKeyScope.Read);
        queues.MapPost("/{id}/next", NextAsync).RequireRole(ProjectRole.Reviewer);
        queues.MapPost("/{id}/items/{itemId:long}/labels", LabelAsync).RequireRole(ProjectRole.Reviewer);
        queues.MapPost("/{id}/items/{itemId:long}/skip", SkipAsync).RequireRole(ProjectRole.Reviewer);
        return app.MapLlmObserveCalibration();
    }

    private static string ProjectOf(HttpContext http) => http.GetApiKeyIdentity().ProjectId;

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        AnnotationService service,
        TimeProvider time,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<AnnotationQueueRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (filter, filterText, filterErrors) = AnnotationFilter.Parse(request.Filter, time.GetUtcNow());
        if (filter is null)
        {
            return RequestJson.Invalid(filterErrors, "The queue was not created");
        }

        var draft = new AnnotationQueueDraft(
            request.Name,
            filterText,
            request.SampleSize,
            request.ReviewsPerItem,
            request.LeaseSeconds,
            request.ScoreConfigs);
        var (queue, errors) = await service.CreateAsync(ProjectOf(http), draft, filter, filterText, cancel);
        return queue is null
            ? RequestJson.Invalid(errors, "The queue was not created")
            : Results.Created($"/api/annotation-queues/{queue.Id}", queue);
    }

    private static async Task<IResult> NextAsync(
        string id,
        HttpContext http,
        AnnotationService service,
        CancellationToken cancel)
    {
        var (reviewer, _, problem) = await ReadReviewerAsync(http, cancel);
        if (reviewer is null)
        {
            return problem!;
        }

        if (await service.GetAsync(ProjectOf(http), id, cancel) is null)
        {
            return RequestJson.NotFound("annotation queue");
        }

        var item = await service.NextAsync(ProjectOf(http), id, reviewer, cancel);
        return item is null ? Results.NoContent() : Results.Ok(item);
    }

    private static async Task<IResult> LabelAsync(
        string id,
        long itemId,
        HttpContext http,
        AnnotationService service,
        CancellationToken cancel)
    {
        var (reviewer, request, problem) = await ReadReviewerAsync(http, cancel);
        if (reviewer is null)
        {
            return problem!;
        }

        var values = (request!.Values ?? []).ToDictionary(
            pair => pair.Key,
            pair => pair.Value.ValueKind switch
            {
                JsonValueKind.String => pair.Value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => pair.Value.GetRawText(),
            },
            StringComparer.Ordinal);
        var result = await service.SubmitAsync(ProjectOf(http), id, itemId, reviewer, values, cancel);
        if (result.NotFound)
        {
            return RequestJson.NotFound("annotation item");
        }

        if (result.Conflict is { } conflict)
        {
            return Results.Problem(title: "Not saved", detail: conflict, statusCode: StatusCodes.Status409Conflict);
        }

        return result.Saved
            ? Results.Ok(await service.GetItemAsync(ProjectOf(http), id, itemId, reviewer, cancel))
            : RequestJson.Invalid([.. result.Errors.Select(e => e with { Field = "values." + e.Field })], "Not saved");
    }

    private static async Task<IResult> SkipAsync(
        string id,
        long itemId,
        HttpContext http,
        AnnotationService service,
        CancellationToken cancel)
    {
        var (reviewer, _, problem) = await ReadReviewerAsync(http, cancel);
        if (reviewer is null)
        {
            return problem!;
        }

        return await service.SkipAsync(ProjectOf(http), id, itemId, reviewer, cancel)
            ? Results.NoContent()
            : RequestJson.NotFound("item held by this reviewer");
    }

    private static async Task<(Reviewer? Reviewer, ReviewerRequest? Request, IResult? Problem)> ReadReviewerAsync(
        HttpContext http,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<ReviewerRequest>(http, cancel);
        if (request is null)
        {
            return (null, null, problem);
        }

        var identity = http.GetApiKeyIdentity();
        if (UserApiAccess.AccountIdOf(identity) is { } accountId)
        {
            // A signed-in person reviews as their account: a 'reviewer' in the body is ignored, not trusted, so nobody
            // can take, label or skip items under another person's name. Only a key (a script) may name a reviewer.
            return (Reviewer.ForAccount(accountId, identity.Name), request, null);
        }

        return Reviewer.FromName(request.Reviewer) is { } reviewer
            ? (reviewer, request, null)
            : (null, null, RequestJson.Invalid(
                [new FieldError(
                    "reviewer",
                    $"'reviewer' is the reviewer's name, 1 to {Reviewer.MaxNameLength} characters.")]));
    }
}
