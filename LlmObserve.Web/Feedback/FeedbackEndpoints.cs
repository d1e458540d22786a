using LlmObserve.Core.Accounts;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Traces.Queries;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Feedback;

/// <summary>The body of <c>POST /api/feedback</c>.</summary>
public sealed record FeedbackRequest(
    string? TraceId,
    string? RequestId,
    string? Kind,
    double? Value,
    string? Comment,
    string? UserId,
    DateTimeOffset? Time,
    string? Id = null);

/// <summary>
/// <c>POST /api/feedback</c> stores a user's feedback (201, or 202 while its trace has not arrived and it is pending);
/// <c>GET /api/feedback</c> lists it. Refusals are RFC 7807 problems keyed by the field at fault.
/// </summary>
internal static class FeedbackEndpoints
{
    public const int MaxListLimit = 500;

    public static WebApplication MapLlmObserveFeedback(this WebApplication app)
    {
        app.MapPost("/api/feedback", AddAsync)
            .WithMetadata(new ApiKeyRequiredMetadata())
            .AddEndpointFilter<RouteHandlerBuilder, FeedbackKeyEndpointFilter>()
            .RequireKeyScope(ApiKeyScope.Feedback)
            .RequireRole(ProjectRole.Member)
            .AllowAnonymous()
            .RequireCors(FeedbackCorsPolicyProvider.PolicyName)
            .DisableAntiforgery();
        app.MapGet("/api/feedback", ListAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Viewer)
            .RequireKeyScope(ApiKeyScope.Read);
        app.MapLlmObserveBrowserAccess();
        app.MapLlmObserveRedaction();
        return app;
    }

    private static async Task<IResult> AddAsync(
        HttpContext http,
        FeedbackService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<FeedbackRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var draft = new FeedbackDraft(
            request.TraceId,
            request.RequestId,
            request.Kind,
            request.Value,
            request.Comment,
            request.UserId,
            request.Time,
            request.Id);
        var (feedback, errors) = await service.AddAsync(http.GetApiKeyIdentity().ProjectId, draft, cancel);
        if (feedback is null)
        {
            return RequestJson.Invalid(errors, "The feedback was not stored");
        }

        // Pending feedback is stored just the same; 202 tells the caller its trace is not known yet. A retry under the
        // same id gets the entry stored first, with the status that entry has now.
        return feedback.Linked
            ? Results.Created($"/api/feedback?traceId={feedback.TraceId}", feedback)
            : Results.Json(feedback, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        FeedbackService service,
        string? traceId,
        string? requestId,
        string? pending,
        string? limit,
        CancellationToken cancel)
    {
        var errors = new List<Core.Evaluation.FieldError>();
        string? normalizedTrace = null;
        if (traceId is not null && (normalizedTrace = TraceIds.NormalizeTraceId(traceId.Trim())) is null)
        {
            errors.Add(new("traceId", "'traceId' must be 32 hexadecimal characters."));
        }

        var pendingOnly = false;
        if (pending is not null && !bool.TryParse(pending, out pendingOnly))
        {
            errors.Add(new("pending", "'pending' must be true or false."));
        }

        var take = 100;
        if (limit is not null && (!int.TryParse(limit, out take) || take is < 1 or > MaxListLimit))
        {
            errors.Add(new("limit", $"'limit' must be a whole number from 1 to {MaxListLimit}."));
        }

        if (errors.Count > 0)
        {
            return RequestJson.Invalid(errors);
        }

        var rows = await service.ListAsync(
            http.GetApiKeyIdentity().ProjectId,
            normalizedTrace,
            string.IsNullOrWhiteSpace(requestId) ? null : requestId.Trim(),
            pendingOnly,
            take,
            cancel);
        return Results.Ok(new { data = rows });
    }
}
