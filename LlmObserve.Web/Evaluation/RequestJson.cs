using System.Text.Json;
using LlmObserve.Core.Evaluation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LlmObserve.Web.Evaluation;

/// <summary>
/// Reads a JSON request body so that a malformed or mistyped field is a 400 problem naming that field, rather than
/// the framework's generic "failed to read parameter".
/// </summary>
internal static class RequestJson
{
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext http, CancellationToken cancel)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Results.Problem(
                title: "Unsupported media type",
                detail: "Send the body as application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, options, cancel);
            return body is null
                ? (null, Invalid([new FieldError("$", "The body must be a JSON object.")]))
                : (body, null);
        }
        catch (JsonException error)
        {
            var field = string.IsNullOrEmpty(error.Path) || error.Path == "$" ? "$" : error.Path[2..];
            return (null, Invalid([new FieldError(field, $"'{field}' is not valid JSON of the expected type.")]));
        }
    }

    /// <summary>An RFC 7807 validation problem whose errors are keyed by the fields at fault.</summary>
    public static IResult Invalid(IReadOnlyList<FieldError> errors, string title = "The request is not valid")
    {
        var byField = errors
            .GroupBy(error => error.Field, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(error => error.Message).ToArray());
        return Results.ValidationProblem(
            byField,
            detail: "Invalid field: " + string.Join(", ", byField.Keys) + ". " + errors[0].Message,
            title: title);
    }

    public static IResult NotFound(string what) => Results.Problem(
        title: "Not found",
        detail: $"No {what} with that id exists in this project.",
        statusCode: StatusCodes.Status404NotFound);
}
