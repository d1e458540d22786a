using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Redaction;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Evaluation;

namespace LlmObserve.Web.Projects;

/// <summary>
/// The body of <c>POST /api/project/redaction/preview</c>: settings to try and a text to try them on.
/// </summary>
public sealed record RedactionPreviewRequest(
    IReadOnlyList<string?>? Detectors,
    IReadOnlyList<RedactionPatternDraft?>? Patterns,
    string? Text);

/// <summary>The answer of a preview: the text as it would be stored and the replacements by kind.</summary>
public sealed record RedactionPreviewView(string Text, IReadOnlyDictionary<string, int> Redactions);

/// <summary>
/// The caller's project redaction: <c>GET</c> and <c>PUT /api/project/redaction</c>, and a preview that saves nothing.
/// </summary>
internal static class RedactionEndpoints
{
    public const int MaxPreviewChars = 100_000;

    public static WebApplication MapLlmObserveRedaction(this WebApplication app)
    {
        var project = app.MapGroup("/api/project/redaction")
            .RequireApiKey()
            .RequireRole(ProjectRole.Admin)
            .RequireKeyScope(ApiKeyScope.All)
            .DisableAntiforgery();
        project.MapGet("", async (HttpContext http, RedactionSettingsService service, CancellationToken c)
            => Results.Ok(await service.GetAsync(http.GetApiKeyIdentity().ProjectId, c)));
        project.MapPut("", SetAsync).Audited(AuditActions.RedactionChanged);
        project.MapPost("/preview", PreviewAsync);
        return app;
    }

    private static async Task<IResult> SetAsync(
        HttpContext http,
        RedactionSettingsService service,
        CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<RedactionSettingsRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        var (view, errors) = await service.SetAsync(http.GetApiKeyIdentity().ProjectId, request, cancel);
        return view is null ? RequestJson.Invalid(errors, "The redaction settings were not saved") : Results.Ok(view);
    }

    private static async Task<IResult> PreviewAsync(HttpContext http, CancellationToken cancel)
    {
        var (request, problem) = await RequestJson.ReadAsync<RedactionPreviewRequest>(http, cancel);
        if (request is null)
        {
            return problem!;
        }

        if (request.Text is null || request.Text.Length > MaxPreviewChars)
        {
            return RequestJson.Invalid(
                [new FieldError("text", $"'text' is required, at most {MaxPreviewChars} characters.")]);
        }

        var (text, counts, errors) = RedactionSettingsService.Preview(
            new RedactionSettingsRequest(request.Detectors, request.Patterns),
            request.Text);
        return text is null
            ? RequestJson.Invalid(errors, "The redaction settings are not valid")
            : Results.Ok(new RedactionPreviewView(text, counts!.ByKind));
    }
}
