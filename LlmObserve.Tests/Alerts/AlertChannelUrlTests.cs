using LlmObserve.Core.Alerts;

namespace LlmObserve.Tests.Alerts;

/// <summary>The masked form of a channel address, and the reasons that have the address cut out.</summary>
public sealed class AlertChannelUrlTests
{
    private const string Url = "https://hooks.example.test/services/T0/B0/s3cretTOKENvalue?token=q9uerySECRET";

    [Theory]
    [InlineData("https://hooks.slack.com/services/T0AAA/B0BBB/abcdefghijklmnopqrstuvwx", "https://hooks.slack.com/…")]
    [InlineData("https://hooks.example.test/in?token=abc", "https://hooks.example.test/…")]
    [InlineData("https://user:pa55@hooks.example.test/", "https://hooks.example.test/…")]
    [InlineData("http://127.0.0.1:8080/hook#frag", "http://127.0.0.1:8080/…")]
    [InlineData("https://hooks.example.test", "https://hooks.example.test/")]
    [InlineData("not an address", "…")]
    public void Mask_KeepsSchemeHostAndPortOnly(string url, string expected)
        => Assert.Equal(expected, AlertChannelUrl.Mask(url));

    [Fact]
    public void Mask_NoUrl_IsNull() => Assert.Null(AlertChannelUrl.Mask(null));

    [Theory]
    [InlineData("https://hooks.slack.com/…", true)]
    [InlineData("https://hooks.slack.com/%E2%80%A6", true)]
    [InlineData("https://hooks.slack.com/services/x", false)]
    public void LooksMasked_RecognisesTheMaskedForm(string url, bool expected)
        => Assert.Equal(expected, AlertChannelUrl.LooksMasked(url));

    [Theory]
    [InlineData("POST https://hooks.example.test/services/T0/B0/s3cretTOKENvalue?token=q9uerySECRET failed",
        "POST https://hooks.example.test/… failed")]
    [InlineData("HTTP 404 NotFound: Cannot POST /services/T0/B0/s3cretTOKENvalue?token=q9uerySECRET",
        "HTTP 404 NotFound: Cannot POST …")]
    [InlineData("HTTP 403 Forbidden: invalid_token s3cretTOKENvalue", "HTTP 403 Forbidden: invalid_token …")]
    [InlineData("HTTP 401 Unauthorized: bad token q9uerySECRET", "HTTP 401 Unauthorized: bad token …")]
    [InlineData("hooks.example.test:443 could not be reached: Connection refused",
        "hooks.example.test:443 could not be reached: Connection refused")]
    public void Redact_CutsTheAddressAndItsLongPartsOut(string reason, string expected)
        => Assert.Equal(expected, AlertChannelUrl.Redact(reason, Url));
}
