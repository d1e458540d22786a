using System.Text;
using LlmObserve.Core;
using LlmObserve.Core.Ingestion.Native;
using LlmObserve.Core.Traces;

namespace LlmObserve.Tests.Ingestion.Native;

public sealed class NativeBatchReaderTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    private static NativeReadResult Read(string json, int maxFieldChars = 256 * 1024)
    {
        var reader = new NativeBatchReader(new IngestionOptions { MaxFieldChars = maxFieldChars }, TimeProvider.System);
        return reader.Read(Encoding.UTF8.GetBytes(json), "proj-1");
    }

    [Fact]
    public void Read_TraceWithGenerationSpan_MapsEveryField()
    {
        var json = $$"""
        {"traces":[{"id":"{{TraceId}}","name":"support-chat","sessionId":"s-1","userId":"u-1","environment":"prod",
          "release":"1.4.0","tags":["b","a"],"metadata":{"tenant":"acme"},"input":"How do I reset?",
          "output":"Use the link.","startTime":"2026-12-01T10:00:00Z","endTime":"2026-12-01T10:00:02Z",
          "spans":[{"id":"00f067aa0ba902b7","name":"chat gpt-4o","type":"generation","model":"gpt-4o",
            "provider":"OpenAI","parameters":{"temperature":0.2},"startTime":"2026-12-01T10:00:00.5Z",
            "endTime":"2026-12-01T10:00:01.5Z","input":[{"role":"system","content":"Be brief."},
            {"role":"user","content":"How do I reset?"}],"output":"Use the link.",
            "usage":{"input":120,"output":30,"cacheRead":100},"cost":0.0012}]}]}
        """;

        var result = Read(json);

        Assert.Empty(result.Errors);
        Assert.Equal([TraceId], result.TraceIds);
        var root = Assert.Single(result.Batch.Spans, s => s.ParentSpanId is null);
        Assert.Equal("support-chat", root.Name);
        Assert.Equal("s-1", root.SessionId);
        Assert.Equal("u-1", root.UserId);
        Assert.Equal("prod", root.Environment);
        Assert.Equal("1.4.0", root.Release);
        Assert.Equal("""["a","b"]""", root.TagsJson);
        Assert.Equal("How do I reset?", root.InputText);
        Assert.Equal(2_000_000_000, root.EndTimeUnixNano - root.StartTimeUnixNano);
        var generation = Assert.Single(result.Batch.Spans, s => s.SpanId == "00f067aa0ba902b7");
        Assert.Equal(root.SpanId, generation.ParentSpanId);
        Assert.Equal(SpanType.Generation, generation.Type);
        Assert.Equal("openai", generation.Provider);
        Assert.Equal("How do I reset?", generation.InputText);
        Assert.Equal(120, generation.InputTokens);
        Assert.Equal(100, generation.CacheReadTokens);
        Assert.Equal(150, generation.TotalTokens);
        Assert.Equal(0.0012, generation.Cost);
        Assert.True(generation.CostReported);
        var messages = StoreJson.Deserialize<List<ChatMessage>>(generation.InputMessagesJson)!;
        Assert.Equal(["system", "user"], messages.Select(m => m.Role));
    }

    [Fact]
    public void Read_SameTraceTwice_DerivesTheSameRootSpanId()
    {
        var json = $$"""{"traces":[{"id":"{{TraceId}}","name":"t"}]}""";

        var first = Read(json).Batch.Spans.Single();
        var second = Read(json).Batch.Spans.Single();

        Assert.Equal(first.SpanId, second.SpanId);
        Assert.Equal(16, first.SpanId.Length);
    }

    [Fact]
    public void Read_InvalidItems_ReportsEachByPathAndKeepsTheValidOnes()
    {
        var json = $$"""
        {"traces":[{"id":"not-hex","name":"bad"},{"id":"{{TraceId}}","name":"good",
          "spans":[{"name":"s","type":"teleport"},{"name":"ok","type":"tool"}]}],
         "scores":[{"traceId":"{{TraceId}}","name":"helpful"},{"traceId":"{{TraceId}}","name":"helpful","value":1}],
         "feedback":[{"kind":"thumbs","value":1},{"traceId":"{{TraceId}}","kind":"thumbs","value":-1}]}
        """;

        var result = Read(json);

        Assert.Contains(result.Errors, e => e.Path == "$.traces[0].id" && e.Message.Contains("32 hexadecimal"));
        Assert.Contains(result.Errors, e => e.Path == "$.traces[1].spans[0].type" && e.Message.Contains("teleport"));
        Assert.Contains(result.Errors, e => e.Path == "$.scores[0]" && e.Message.Contains("value"));
        Assert.Contains(result.Errors, e => e.Path == "$.feedback[0]" && e.Message.Contains("traceId"));
        Assert.Equal(4, result.Errors.Count);
        Assert.Equal(["good", "ok"], result.Batch.Spans.Select(s => s.Name).Order());
        Assert.Single(result.Batch.Scores);
        Assert.Single(result.Batch.Feedback);
    }

    [Fact]
    public void Read_OversizedOutput_TruncatesWithMarkerAndOriginalSize()
    {
        var longText = new string('x', 500) + "\U0001F600" + new string('y', 500);
        var json = $$"""{"traces":[{"id":"{{TraceId}}","output":"{{longText}}"}]}""";

        var span = Read(json, maxFieldChars: 501).Batch.Spans.Single();

        Assert.StartsWith(new string('x', 500), span.OutputText, StringComparison.Ordinal);
        Assert.EndsWith("…[truncated, 1002 chars]", span.OutputText, StringComparison.Ordinal);
        Assert.DoesNotContain('\uD83D', span.OutputText!);
        Assert.Equal("""[{"field":"output","originalLength":1002}]""", span.TruncationsJson);
    }

    [Fact]
    public void Read_LoneSurrogateAndInvalidUtf8_AreRepairedNotFatal()
    {
        var prefix = Encoding.UTF8.GetBytes($$"""{"traces":[{"id":"{{TraceId}}","input":"a\ud800b","output":"c""");
        byte[] invalid = [0xC3, 0x28];
        var suffix = Encoding.UTF8.GetBytes("d\"}]}");
        var body = prefix.Concat(invalid).Concat(suffix).ToArray();
        var reader = new NativeBatchReader(new IngestionOptions(), TimeProvider.System);

        var span = reader.Read(body, "proj-1").Batch.Spans.Single();

        Assert.Equal("a\uFFFDb", span.InputText);
        Assert.Equal("c\uFFFD(d", span.OutputText);
    }

    [Fact]
    public void Read_EndBeforeStart_NeverGivesNegativeDuration()
    {
        var json = $$"""
        {"traces":[{"id":"{{TraceId}}","spans":[{"name":"s","startTime":"2026-12-01T10:00:05Z",
          "endTime":"2026-12-01T10:00:01Z"}]}]}
        """;

        var spans = Read(json).Batch.Spans;

        Assert.All(spans, s => Assert.True(s.EndTimeUnixNano >= s.StartTimeUnixNano));
    }

    [Fact]
    public void Read_NotJson_ThrowsWithPosition()
    {
        var ex = Assert.Throws<NativeFormatException>(() => Read("""{"traces": [ {"id": }"""));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ImplausibleTokensCostsAndTimes_RejectTheSpanOrTraceByPath()
    {
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[
          {"name":"huge-usage","usage":{"input":9223372036854775807}},
          {"name":"huge-cost","cost":1e308},
          {"name":"far-future","startTime":"9999-12-31T23:59:59Z"},
          {"name":"fine","usage":{"input":12}}]}]}
        """;

        var result = Read(json);

        Assert.Contains(
            result.Errors,
            e => e.Path == "$.traces[0].spans[0]" && e.Message.Contains("input token count"));
        Assert.Contains(result.Errors, e => e.Path == "$.traces[0].spans[1]" && e.Message.Contains("cost"));
        Assert.Contains(result.Errors, e => e.Path == "$.traces[0].spans[2].startTime" && e.Message.Contains("2262"));
        Assert.Equal(["fine", "trace"], result.Batch.Spans.Select(s => s.Name).Order());
    }

    [Fact]
    public void Read_LongAttributeValues_AreCutWithMarkerAndNoted()
    {
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[{"name":"s","attributes":{"big":"{{{new string('a', 300)}}}",
          "nested":{"list":["short"]} } } ] } ] }
        """;
        var reader = new NativeBatchReader(new IngestionOptions { MaxAttributeChars = 100 }, TimeProvider.System);

        var span = reader.Read(Encoding.UTF8.GetBytes(json), "proj-1").Batch.Spans.Single(s => s.Name == "s");

        Assert.Contains("…[truncated, 300 chars]", span.AttributesJson, StringComparison.Ordinal);
        Assert.Contains("\"nested\":{\"list\":[\"short\"]}", span.AttributesJson, StringComparison.Ordinal);
        Assert.Equal("""[{"field":"attributes.big","originalLength":300}]""", span.TruncationsJson);
    }

    [Fact]
    public void Read_MultimodalMessageContent_KeepsTextAsTextAndTheImageAsAPart()
    {
        const string image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk";
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[{"name":"vision","type":"generation",
          "input":[{"role":"user","content":[{"type":"text","text":"What is in this picture?"},
            {"type":"image_url","image_url":{"url":"{{{image}}}","detail":"low"}},"And be brief."]}]}]}]}
        """;

        var span = Read(json).Batch.Spans.Single(s => s.Name == "vision");

        var message = Assert.Single(StoreJson.Deserialize<List<ChatMessage>>(span.InputMessagesJson)!);
        Assert.Equal("What is in this picture?\nAnd be brief.", message.Content);
        var part = Assert.Single(message.Parts!);
        Assert.Equal("image_url", part.GetProperty("type").GetString());
        Assert.Equal(image, part.GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("What is in this picture?\nAnd be brief.", span.InputText);
        Assert.Null(span.TruncationsJson);
    }

    [Fact]
    public void Read_BareListOfParts_IsOneMessageWithTheTextAsTextAndTheImageAsAPart()
    {
        const string image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk";
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[{"name":"vision","type":"generation",
          "input":[{"type":"text","text":"Describe it."},{"type":"image_url","image_url":{"url":"{{{image}}}"}}],
          "output":[{"type":"text","text":"A red dot."}]}]}]}
        """;

        var span = Read(json).Batch.Spans.Single(s => s.Name == "vision");

        var input = Assert.Single(StoreJson.Deserialize<List<ChatMessage>>(span.InputMessagesJson)!);
        Assert.Equal("user", input.Role);
        Assert.Equal("Describe it.", input.Content);
        Assert.Equal(image, Assert.Single(input.Parts!).GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("Describe it.", span.InputText);
        var output = Assert.Single(StoreJson.Deserialize<List<ChatMessage>>(span.OutputMessagesJson)!);
        Assert.Equal("assistant", output.Role);
        Assert.Equal("A red dot.", span.OutputText);
    }

    [Theory]
    [InlineData("""[1,2,3]""")]
    [InlineData("""[{"query":"refund"}]""")]
    [InlineData("""{"type":"search","query":"refund"}""")]
    public void Read_OtherJsonInput_StaysItsText(string input)
    {
        var json = $$"""
        {"traces":[{"id":"{{TraceId}}","spans":[{"name":"tool","input":{{input}}}]}]}
        """;

        var span = Read(json).Batch.Spans.Single(s => s.Name == "tool");

        Assert.Equal(input, span.InputText);
        Assert.Null(span.InputMessagesJson);
    }

    [Fact]
    public void Read_MultimodalPartOverTheFieldLimit_IsCutWithMarkerAndNoted()
    {
        var payload = new string('A', 2000);
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[{"name":"vision","output":[{"role":"assistant",
          "content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{payload}}}"}}]}]}]}]}
        """;

        var span = Read(json, maxFieldChars: 500).Batch.Spans.Single(s => s.Name == "vision");

        var message = Assert.Single(StoreJson.Deserialize<List<ChatMessage>>(span.OutputMessagesJson)!);
        Assert.Null(message.Content);
        var url = Assert.Single(message.Parts!).GetProperty("image_url").GetProperty("url").GetString()!;
        Assert.EndsWith("…[truncated, 2022 chars]", url, StringComparison.Ordinal);
        Assert.True(url.Length < 600, $"The stored part is {url.Length} characters.");
        Assert.Contains("outputMessages[0].parts[0].image_url.url", span.TruncationsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ContentThatIsOtherJson_StaysItsJsonText()
    {
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[{"name":"s","input":[{"role":"user","content":{"order":42}}]}]}]}
        """;

        var span = Read(json).Batch.Spans.Single(s => s.Name == "s");

        var message = Assert.Single(StoreJson.Deserialize<List<ChatMessage>>(span.InputMessagesJson)!);
        Assert.Equal("""{"order":42}""", message.Content);
        Assert.Null(message.Parts);
    }
}
