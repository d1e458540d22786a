using LlmObserve.Core.Accounts;
using LlmObserve.Core.Alerts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Alerts;

/// <summary>
/// <c>/api/alerts/rules</c>, <c>/api/alerts/channels</c> (with <c>POST …/{id}/test</c>), <c>/api/alerts/events</c>
/// and <c>/api/alerts/metrics</c>, scoped to the project of the caller's key. Refusals are RFC 7807 problems whose
/// <c>errors</c> are keyed by the field at fault.
/// </summary>
internal static class AlertEndpoints
{
    public const int MaxEvents = 500;

    public static WebApplication MapLlmObserveAlerts(this WebApplication app)
    {
        var alerts = app.MapGroup("/api/alerts")
            .RequireApiKey()
            .RequireRoles(ProjectRole.Viewer, ProjectRole.Member)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        alerts.MapGet("/metrics", (AlertMetricCatalog catalog) => Results.Ok(catalog.All))
            .RequireKeyScope(ApiKeyScope.Read);

        alerts.MapGet("/rules", async (HttpContext http, AlertService service, CancellationToken cancel)
            => Results.Ok(await service.ListRulesAsync(ProjectOf(http), cancel)))
            .RequireKeyScope(ApiKeyScope.Read);
        alerts.MapGet("/rules/{id:long}", async (long id, HttpContext http, AlertService service, CancellationToken c)
            => await service.GetRuleAsync(ProjectOf(http), id, c) is { } rule
                ? Results.Ok(rule)
                : RequestJson.NotFound("alert rule"))
            .RequireKeyScope(ApiKeyScope.Read);
        alerts.MapPost("/rules", (HttpContext http, AlertService service, CancellationToken cancel)
                => SaveRuleAsync(http, null, service, cancel))
            .Audited(AuditActions.AlertRuleCreated);
        alerts.MapPut("/rules/{id:long}", (long id, HttpContext http, AlertService service, CancellationToken c)
                => SaveRuleAsync(http, id, service, c))
            .Audited(AuditActions.AlertRuleUpdated);
        alerts.MapDelete(
            "/rules/{id:long}",
            async (long id, HttpContext http, AlertService service, CancellationToken c)
                => await service.DeleteRuleAsync(ProjectOf(http), id, c)
                    ? Results.NoContent()
                    : RequestJson.NotFound("alert rule"))
            .Audited(AuditActions.AlertRuleDeleted);

        alerts.MapGet("/channels", async (HttpContext http, AlertService service, CancellationToken cancel)
            => Results.Ok(await service.ListChannelsAsync(ProjectOf(http), cancel)));
        alerts.MapPost("/channels", (HttpContext http, AlertService service, CancellationToken cancel)
                => SaveChannelAsync(http, null, service, cancel))
            .Audited(AuditActions.AlertChannelCreated);
        alerts.MapPut("/channels/{id:long}", (long id, HttpContext http, AlertService service, CancellationToken c)
                => SaveChannelAsync(http, id, service, c))
            .Audited(AuditActions.AlertChannelUpdated);
        alerts.MapDelete(
            "/channels/{id:long}",
            async (long id, HttpContext http, AlertService service, CancellationToken c)
                => await service.DeleteChannelAsync(ProjectOf(http), id, c)
                    ? Results.NoContent()
                    : RequestJson.NotFound("alert channel"))
            .Audited(AuditActions.AlertChannelDeleted);
        alerts.MapPost("/channels/{id:long}/test", TestChannelAsync);

        alerts.MapGet("/events", ListEventsAsync).RequireKeyScope(ApiKeyScope.Read);
        return app;
    }

    private static string ProjectOf(HttpContext http) => http.GetApiKeyIdentity().ProjectId;

    private static async Task<IResult> SaveRuleAsync(
        HttpContext http,
        long? id,
        AlertService service,
        CancellationToken cancel)
    {
        var (draft, problem) = await RequestJson.ReadAsync<AlertRuleDraft>(http, cancel);
        if (draft is null)
        {
            return problem!;
        }

        var (rule, errors) = await service.SaveRuleAsync(ProjectOf(http), id, draft, cancel);
        if (rule is not null)
        {
            return id is null ? Results.Created($"/api/alerts/rules/{rule.Id}", rule) : Results.Ok(rule);
        }

        return errors.Count > 0
            ? RequestJson.Invalid(errors, "The rule was not saved")
            : RequestJson.NotFound("alert rule");
    }

    private static async Task<IResult> SaveChannelAsync(
        HttpContext http,
        long? id,
        AlertService service,
        CancellationToken cancel)
    {
        var (draft, problem) = await RequestJson.ReadAsync<AlertChannelDraft>(http, cancel);
        if (draft is null)
        {
            return problem!;
        }

        var (channel, errors) = await service.SaveChannelAsync(ProjectOf(http), id, draft, cancel);
        if (channel is not null)
        {
            return id is null ? Results.Created($"/api/alerts/channels/{channel.Id}", channel) : Results.Ok(channel);
        }

        return errors.Count > 0
            ? RequestJson.Invalid(errors, "The channel was not saved")
            : RequestJson.NotFound("alert channel");
    }

    private static async Task<IResult> TestChannelAsync(
        long id,
        HttpContext http,
        AlertService service,
        AlertDispatcher dispatcher,
        CancellationToken cancel)
    {
        var channel = await service.FindChannelAsync(ProjectOf(http), id, cancel);
        if (channel is null)
        {
            return RequestJson.NotFound("alert channel");
        }

        var error = await dispatcher.SendTestAsync(channel, cancel);
        return error is null
            ? Results.Ok(new { sent = true })
            : Results.Problem(
                title: "The test notice was not delivered",
                detail: error,
                statusCode: StatusCodes.Status502BadGateway);
    }

    private static async Task<IResult> ListEventsAsync(
        HttpContext http,
        AlertService service,
        string? ruleId,
        string? limit,
        CancellationToken cancel)
    {
        var errors = new List<Core.Evaluation.FieldError>();
        long? rule = null;
        if (ruleId is not null)
        {
            if (long.TryParse(ruleId, out var parsed))
            {
                rule = parsed;
            }
            else
            {
                errors.Add(new("ruleId", "'ruleId' must be a rule's id (a whole number)."));
            }
        }

        var take = 100;
        if (limit is not null && (!int.TryParse(limit, out take) || take is < 1 or > MaxEvents))
        {
            errors.Add(new("limit", $"'limit' must be a whole number from 1 to {MaxEvents}."));
        }

        if (errors.Count > 0)
        {
            return RequestJson.Invalid(errors);
        }

        return Results.Ok(new { data = await service.ListEventsAsync(ProjectOf(http), rule, take, cancel) });
    }
}
