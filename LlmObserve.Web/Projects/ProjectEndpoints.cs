using System.Text.Json;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;

namespace LlmObserve.Web.Projects;

/// <summary>
/// The caller's project: <c>GET /api/project</c> and <c>PATCH /api/project</c> (name, retention). Creating and
/// deleting projects are actions of a signed-in admin on the Projects page; no key can do either.
/// </summary>
internal static class ProjectEndpoints
{
    public static WebApplication MapLlmObserveProjectApi(this WebApplication app)
    {
        var project = app.MapGroup("/api/project")
            .RequireApiKey()
            .RequireRole(ProjectRole.Admin)
            .DisableAntiforgery();
        project.MapGet("", GetAsync).RequireKeyScope(ApiKeyScope.Read);
        project.MapPatch("", PatchAsync).RequireKeyScope(ApiKeyScope.All).Audited(AuditActions.ProjectChanged);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext http, ProjectService projects, CancellationToken cancel)
        => await projects.GetAsync(http.GetApiKeyIdentity().ProjectId, cancel) is { } view
            ? Results.Ok(view)
            : RequestJson.NotFound("project");

    private static async Task<IResult> PatchAsync(HttpContext http, ProjectService projects, CancellationToken cancel)
    {
        if (!http.Request.HasJsonContentType())
        {
            return Results.Problem(
                title: "Unsupported media type",
                detail: "Send the body as application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancel);
        }
        catch (JsonException)
        {
            return RequestJson.Invalid([new FieldError("$", "The body is not valid JSON.")]);
        }

        using var body = document;
        var (changes, errors) = ReadChanges(body.RootElement);
        if (changes is null)
        {
            return RequestJson.Invalid(errors, "The project was not changed");
        }

        var (view, refused) = await projects.UpdateAsync(http.GetApiKeyIdentity().ProjectId, changes, cancel);
        if (refused.Count > 0)
        {
            return RequestJson.Invalid(refused, "The project was not changed");
        }

        return view is null ? RequestJson.NotFound("project") : Results.Ok(view);
    }

    /// <summary>
    /// Reads a merge-patch body: a field left out is left alone, <c>"retentionDays": null</c> keeps traces forever.
    /// </summary>
    internal static (ProjectChanges? Changes, IReadOnlyList<FieldError> Errors) ReadChanges(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, [new FieldError("$", "The body must be a JSON object with 'name' and/or 'retentionDays'.")]);
        }

        var errors = new List<FieldError>();
        string? name = null;
        var setsRetention = false;
        int? retentionDays = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name" when property.Value.ValueKind == JsonValueKind.String:
                    name = property.Value.GetString();
                    break;
                case "name":
                    errors.Add(new FieldError("name", "'name' must be a string."));
                    break;
                case "retentionDays" when property.Value.ValueKind == JsonValueKind.Null:
                    setsRetention = true;
                    break;
                case "retentionDays" when property.Value.ValueKind == JsonValueKind.Number
                    && property.Value.TryGetInt32(out var days):
                    (setsRetention, retentionDays) = (true, days);
                    break;
                case "retentionDays":
                    errors.Add(new FieldError(
                        "retentionDays",
                        "'retentionDays' must be a whole number of days, or null to keep traces forever."));
                    break;
                default:
                    errors.Add(new FieldError(
                        property.Name,
                        $"'{property.Name}' cannot be changed here: send 'name' and/or 'retentionDays'."));
                    break;
            }
        }

        if (errors.Count == 0 && name is null && !setsRetention)
        {
            errors.Add(new FieldError("$", "Nothing to change: send 'name' and/or 'retentionDays'."));
        }

        return errors.Count > 0 ? (null, errors) : (new ProjectChanges(name, setsRetention, retentionDays), []);
    }
}
