using LlmObserve.Core.Projects;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace LlmObserve.Web.Feedback;

/// <summary>
/// The CORS policy of <c>POST /api/feedback</c>, read from the store per request: the origins of the project whose
/// browser key the request names (its <c>publicKey</c> query parameter, which a preflight carries), or, when the
/// preflight names none (the key travels in a header), every project's feedback origins; the request itself is then
/// checked against its own project's (<see cref="FeedbackKeyEndpointFilter"/>). Other policies fall through to the
/// default provider.
/// </summary>
internal sealed class FeedbackCorsPolicyProvider(
    BrowserAccessService browserAccess,
    Microsoft.Extensions.Options.IOptions<CorsOptions> options) : ICorsPolicyProvider
{
    public const string PolicyName = "feedback";

    private readonly DefaultCorsPolicyProvider _fallback = new(options);

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName != PolicyName)
        {
            return await _fallback.GetPolicyAsync(context, policyName);
        }

        IReadOnlySet<string> origins;
        var publicKey = context.Request.Query[FeedbackKeyEndpointFilter.PublicKeyQuery].ToString();
        if (publicKey.Length > 0)
        {
            origins = (await browserAccess.FindKeyAsync(publicKey.Trim(), context.RequestAborted))?.Origins
                ?? new HashSet<string>();
        }
        else
        {
            origins = await browserAccess.AllOriginsAsync(context.RequestAborted);
        }

        var policy = new CorsPolicyBuilder()
            .WithMethods(HttpMethods.Post)
            .WithHeaders("Content-Type", FeedbackKeyEndpointFilter.PublicKeyHeader)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        if (origins.Count > 0)
        {
            policy.WithOrigins([.. origins]);
        }

        return policy.Build();
    }
}
