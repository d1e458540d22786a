using Microsoft.AspNetCore.Diagnostics;

namespace LlmObserve.Web.Hosting;

/// <summary>
/// A request the server could not read (a body that stopped arriving, a malformed form, a bad parameter) is the
/// client's fault: it is answered with the status Kestrel or the framework chose, never 500, and with a problem that
/// says what was wrong. Being handled here, it is not logged as an unhandled error.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Detail = bad.StatusCode == StatusCodes.Status408RequestTimeout
                    ? "The request body arrived too slowly; the server stopped waiting for it."
                    : bad.Message,
            },
        });
    }
}
