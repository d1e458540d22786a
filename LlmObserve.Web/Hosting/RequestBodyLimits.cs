using LlmObserve.Core;
using Microsoft.AspNetCore.Http.Features;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// An endpoint's own body limit: <see cref="Bytes"/> named by <see cref="Setting"/> in the 413 answer, or, with
/// <see cref="EnforcedByEndpoint"/>, a limit the endpoint applies itself (ingestion, which also counts the bytes
/// after gzip).
/// </summary>
internal sealed record BodyLimitMetadata(long Bytes, string Setting, bool EnforcedByEndpoint = false);

/// <summary>
/// Caps every request body at <see cref="SecurityOptions.MaxRequestBodyBytes"/> unless its endpoint declares its
/// own limit, and answers a body over the limit with 413 and a problem naming the limit and its setting, whether
/// the body announced its length or was sent in chunks.
/// </summary>
internal sealed class RequestBodyLimits(RequestDelegate next, LlmObserveOptions options)
{
    public const string Setting = "LlmObserve:Security:MaxRequestBodyBytes";

    public async Task InvokeAsync(HttpContext context)
    {
        var declared = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimitMetadata>();
        if (declared is { EnforcedByEndpoint: true })
        {
            await next(context);
            return;
        }

        var limit = declared?.Bytes ?? options.Security.MaxRequestBodyBytes;
        var setting = declared?.Setting ?? Setting;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            await TooLarge(context, limit, setting, context.Request.ContentLength.Value);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException error)
            when (error.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLarge(context, limit, setting, size: null);
        }
    }

    private static Task TooLarge(HttpContext context, long limit, string setting, long? size)
    {
        var detail = size is { } known
            ? $"The body is {known} bytes; the limit is {limit} bytes ({setting})."
            : $"The body is more than {limit} bytes, the limit ({setting}).";
        context.Response.Clear();
        return Results.Problem(
            title: "Request body too large",
            detail: detail,
            statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
    }
}

internal static class BodyLimitExtensions
{
    /// <summary>The endpoint reads and limits its body itself; the general cap does not apply.</summary>
    public static TBuilder WithOwnBodyLimit<TBuilder>(this TBuilder builder, string setting)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new BodyLimitMetadata(0, setting, EnforcedByEndpoint: true));

    /// <summary>A body limit of the endpoint's own instead of the general one.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes, string setting)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new BodyLimitMetadata(bytes, setting));
}
