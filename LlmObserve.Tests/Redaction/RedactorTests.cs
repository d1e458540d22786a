using System.Diagnostics;
using System.Text.Json;
using LlmObserve.Core.Redaction;
using LlmObserve.Core.Traces;

namespace LlmObserve.Tests.Redaction;

public sealed class RedactorTests
{
    private static readonly Redactor _all = new([.. BuiltInDetectors.All.Select(BuiltInDetectors.Get)]);

    [Theory]
    [InlineData("jane.doe+news@mail.example.co.uk", "email")]
    [InlineData("+1 415 555 0132", "phone")]
    [InlineData("(020) 7946 0958", "phone")]
    [InlineData("0612345678", "phone")]
    [InlineData("4111 1111 1111 1111", "card")]
    [InlineData("5500-0000-0000-0004", "card")]
    [InlineData("DE89 3704 0044 0532 0130 00", "iban")]
    [InlineData("GB82WEST12345698765432", "iban")]
    [InlineData("203.0.113.42", "ip")]
    [InlineData("2001:db8::8a2e:370:7334", "ip")]
    public void EachBuiltInKind_IsReplacedAndCounted(string value, string kind)
    {
        var counts = new RedactionCounts();

        var redacted = _all.Redact($"before {value} after", counts);

        Assert.Equal($"before {Redactor.Marker(kind)} after", redacted);
        Assert.Equal(1, counts.Total);
        Assert.Equal(1, counts.ByKind[kind]);
    }

    [Theory]
    [InlineData("released on 2024-01-15 and 15.01.2024")]
    [InlineData("version 1.2.3 of the library, build 10.0.100")]
    [InlineData("order 12345 was shipped; the epoch second 1733385600 too")]
    [InlineData("card 4111 1111 1111 1112 fails Luhn")]
    [InlineData("iban DE89 3704 0044 0532 0130 99 fails its checksum")]
    [InlineData("999.1.1.1 is no address")]
    [InlineData("the ratio was 3:2 at 10:45")]
    public void LookAlikes_AreKept(string text)
    {
        var counts = new RedactionCounts();

        var redacted = _all.Redact(text, counts);

        Assert.Equal(text, redacted);
        Assert.Equal(0, counts.Total);
    }

    [Fact]
    public void JsonFields_AreRedactedInsideTheirStrings_AndStayValidJson()
    {
        var span = new SpanEntity
        {
            ProjectId = "p",
            TraceId = new string('a', 32),
            SpanId = new string('b', 16),
            Name = "chat",
            Type = "generation",
            Status = "ok",
            InputText = "mail jane@example.com",
            InputMessagesJson = """[{"role":"user","content":"my card is 4111111111111111, \"quoted\""}]""",
            AttributesJson = """{"client.ip":"203.0.113.42","n":3,"nested":{"to":"bob\u0040example.org"}}""",
            MetadataJson = """{"plain":"nothing to see"}""",
        };

        var counts = _all.RedactSpan(span);

        Assert.Equal("mail [REDACTED:email]", span.InputText);
        using var messages = JsonDocument.Parse(span.InputMessagesJson!);
        Assert.Equal(
            "my card is [REDACTED:card], \"quoted\"",
            messages.RootElement[0].GetProperty("content").GetString());
        using var attributes = JsonDocument.Parse(span.AttributesJson!);
        Assert.Equal("[REDACTED:ip]", attributes.RootElement.GetProperty("client.ip").GetString());
        Assert.Equal(3, attributes.RootElement.GetProperty("n").GetInt32());
        Assert.Equal("[REDACTED:email]", attributes.RootElement.GetProperty("nested").GetProperty("to").GetString());
        Assert.Equal("""{"plain":"nothing to see"}""", span.MetadataJson);
        Assert.Equal(4, counts.Total);
        Assert.Equal("""{"card":1,"email":2,"ip":1}""", counts.ToJson());
    }

    [Fact]
    public void NoDetector_LeavesTheSpanAlone_AndCountsNothing()
    {
        var span = new SpanEntity
        {
            ProjectId = "p",
            TraceId = new string('a', 32),
            SpanId = new string('b', 16),
            Name = "chat",
            Type = "generation",
            Status = "ok",
            InputText = "mail jane@example.com",
        };

        var counts = Redactor.None.RedactSpan(span);

        Assert.Equal("mail jane@example.com", span.InputText);
        Assert.Null(counts.ToJson());
    }

    [Theory]
    [InlineData("(a+", "does not compile")]
    [InlineData(@"(a+)\1", "could run away")]
    [InlineData("secret(?=!)", "could run away")]
    [InlineData("(?<!x)y", "could run away")]
    [InlineData("a*", "empty string")]
    [InlineData(@"\b", "empty string")]
    public void BadPatterns_AreRefusedWithTheirReason(string pattern, string reason)
    {
        var fault = RedactionSettingsService.CheckPattern(pattern);

        Assert.NotNull(fault);
        Assert.Contains(reason, fault, StringComparison.Ordinal);
    }

    [Fact]
    public void ANestedQuantifier_IsAccepted_BecauseTheLinearEngineRunsItInTimeProportionalToTheText()
    {
        // (a+)+$ is the classic catastrophic pattern for a backtracking engine; here it must finish at once.
        Assert.Null(RedactionSettingsService.CheckPattern("(a+)+$"));
        var (text, counts, errors) = RedactionSettingsService.Preview(
            new RedactionSettingsRequest([], [new RedactionPatternDraft("runaway", "(a+)+$")]),
            new string('a', 50_000) + "!");
        var watch = Stopwatch.StartNew();
        _ = RedactionSettingsService.Preview(
            new RedactionSettingsRequest([], [new RedactionPatternDraft("runaway", "(a+)+$")]),
            new string('a', 50_000) + "!");

        Assert.Empty(errors);
        Assert.Equal(0, counts!.Total);
        Assert.EndsWith("a!", text, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Settings_NameEveryFieldAtFault()
    {
        var (_, _, errors) = RedactionSettingsService.Preview(
            new RedactionSettingsRequest(
                ["email", "passport"],
                [new RedactionPatternDraft("email", @"\d+"), new RedactionPatternDraft("order", @"(x)\1")]),
            "text");

        Assert.Equal(
            ["detectors[1]", "patterns[0].name", "patterns[1].pattern"],
            errors.Select(e => e.Field).ToArray());
    }
}
