using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LlmObserve.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace LlmObserve.Tests.Security;

/// <summary>
/// The headers and cookies of the real app on Kestrel: every answer, page, API, error and CORS preflight, carries the
/// security headers; HSTS and Secure cookies only over HTTPS (a second app with a throwaway certificate), and HSTS
/// never for a loopback host.
/// </summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private RunningApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await RunningApp.StartAsync();
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "overview")]
    [InlineData("GET", "api/traces")]
    [InlineData("GET", "no-such-page")]
    [InlineData("POST", "api/datasets")]
    public async Task EveryKindOfAnswer_CarriesTheSecurityHeaders(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { name = 7 });
        }

        using var response = await _client.SendAsync(request);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("base-uri 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP");
    }

    [Fact]
    public async Task FeedbackPreflight_WithTheHeaders_StillAnswersCors()
    {
        using var key = await _client.PostAsJsonAsync("api/project/browser-keys", new { name = "shop" });
        var publicKey = (await key.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>())
            .GetProperty("publicKey").GetString();
        using var origins = await _client.PutAsJsonAsync(
            "api/project/feedback-origins",
            new { origins = new[] { "https://shop.example.com" } });
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/feedback?publicKey=" + publicKey);
        preflight.Headers.Add("Origin", "https://shop.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var anonymous = _app.CreateClient(authenticated: false);
        using var response = await anonymous.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://shop.example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task PageOverHttp_AntiforgeryCookie_IsHttpOnlyAndSameSiteButNotSecure()
    {
        using var response = await _client.GetAsync("setup");

        var cookie = AntiforgeryCookie(response);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverHttps_PublicHostGetsHstsAndSecureCookies_LoopbackHostNoHsts()
    {
        using var certificate = SelfSigned();
        await using var secure = await RunningApp.StartAsync(configure: builder =>
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(
                IPAddress.Loopback,
                0,
                listen => listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate }))));
        Assert.Equal("https", secure.BaseAddress.Scheme);
        using var handler = new SocketsHttpHandler
        {
            // A redirect to the made-up public name must never be followed off this machine.
            AllowAutoRedirect = false,
            // Trusts exactly the throwaway certificate the app was given, nothing else.
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented?.GetCertHashString() == certificate.GetCertHashString(),
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = secure.BaseAddress };

        // The sign-in page: open to everyone and it carries a form, so it sets the antiforgery cookie.
        using var loopback = await client.GetAsync("login");
        using var named = new HttpRequestMessage(HttpMethod.Get, "login");
        named.Headers.Host = "observe.example.test";
        using var publicHost = await client.SendAsync(named);

        Assert.False(loopback.Headers.Contains("Strict-Transport-Security"), "HSTS for 127.0.0.1");
        Assert.Equal("max-age=31536000", Header(publicHost, "Strict-Transport-Security"));
        Assert.Contains("secure", AntiforgeryCookie(loopback), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", AntiforgeryCookie(loopback), StringComparison.OrdinalIgnoreCase);
    }

    private static string AntiforgeryCookie(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var cookies), "no cookie was set");
        return Assert.Single(cookies, c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
    }

    private static string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
            : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content)
            : throw new Xunit.Sdk.XunitException($"{name} is missing from {response.RequestMessage?.RequestUri}.");

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        // Kestrel needs the key in a form it can use on every platform: a round trip through PKCS #12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
