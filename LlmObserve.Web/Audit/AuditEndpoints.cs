using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Evaluation;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Audit;

/// <summary>
/// <c>GET /api/audit</c>: the project's audit events, newest first, filtered by action (exact, or a prefix ending
/// in <c>*</c>) and time (<c>from</c> inclusive, <c>to</c> exclusive, ISO 8601), paged by <c>cursor</c>.
/// </summary>
internal static class AuditEndpoints
{
    public static WebApplication MapLlmObserveAudit(this WebApplication app)
    {
        app.MapGet("/api/audit", ListAsync)
            .RequireApiKey()
            .RequireRole(ProjectRole.Admin)
            .RequireKeyScope(ApiKeyScope.All);
        return app;
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        AuditLog log,
        string? action,
        string? from,
        string? to,
        string? limit,
        string? cursor,
        CancellationToken cancel)
    {
        var errors = new List<FieldError>();
        var fromTime = ParseTime(from, "from", errors);
        var toTime = ParseTime(to, "to", errors);
        var take = 100;
        if (limit is not null && (!int.TryParse(limit, out take) || take is < 1 or > AuditLog.MaxLimit))
        {
            errors.Add(new FieldError("limit", $"'limit' must be a whole number from 1 to {AuditLog.MaxLimit}."));
        }

        long? before = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                before = parsed;
            }
            else
            {
                errors.Add(new FieldError("cursor", "'cursor' must be the nextCursor of a previous page."));
            }
        }

        if (errors.Count > 0)
        {
            return RequestJson.Invalid(errors);
        }

        var page = await log.ListAsync(
            http.GetApiKeyIdentity().ProjectId,
            new AuditFilter(string.IsNullOrWhiteSpace(action) ? null : action.Trim(), fromTime, toTime),
            before,
            take,
            cancel);
        var next = page.NextCursor?.ToString(CultureInfo.InvariantCulture);
        return Results.Ok(new { data = page.Events, nextCursor = next });
    }

    private static DateTimeOffset? ParseTime(string? text, string field, List<FieldError> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var time))
        {
            return time;
        }

        errors.Add(new FieldError(field, $"'{field}' must be an ISO 8601 time such as 2026-12-05T10:00:00Z."));
        return null;
    }
}
