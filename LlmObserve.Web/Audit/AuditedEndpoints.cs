using System.Reflection;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Audit;

/// <summary>The audit action a route records when it succeeds.</summary>
public sealed record AuditedMetadata(string Action);

/// <summary>
/// Records a settings change made through the API once its handler answered 2xx: the action, the target taken from
/// the route (<c>{id}</c>, <c>{itemId}</c>) or the answer's <c>Id</c>, and the method, path, status and the answer's
/// <c>Name</c> as detail. Bodies are never copied, so no secret or prompt text reaches the log.
/// </summary>
internal static class AuditedEndpoints
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder
        => builder
            .WithMetadata(new AuditedMetadata(action))
            .AddEndpointFilter(async (context, next) =>
            {
                var result = await next(context);
                var status = StatusOf(result);
                if (status is >= 200 and < 300)
                {
                    await RecordAsync(context.HttpContext, action, result, status.Value);
                }

                return result;
            });

    private static int? StatusOf(object? result) => result switch
    {
        IStatusCodeHttpResult coded => coded.StatusCode ?? StatusCodes.Status200OK,
        IResult => null,
        _ => StatusCodes.Status200OK,
    };

    private static Task RecordAsync(HttpContext http, string action, object? result, int status)
    {
        var value = result is IValueHttpResult valued ? valued.Value : null;
        var id = http.GetRouteValue("id")?.ToString() ?? PropertyText(value, "Id");
        var itemId = http.GetRouteValue("itemId")?.ToString();
        var target = itemId is null ? id : $"{id}/{itemId}";
        var detail = new
        {
            method = http.Request.Method,
            path = http.Request.Path.Value,
            status,
            name = PropertyText(value, "Name"),
        };
        var projectId = http.GetApiKeyIdentity().ProjectId;
        return http.RequestServices.GetRequiredService<AuditActor>()
            .RecordAsync(projectId, action, target, detail, CancellationToken.None);
    }

    private static string? PropertyText(object? value, string name)
        => value?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(value)?.ToString();
}
