using System.Text.Json;
using Bunit;
using LlmObserve.Core.Traces;
using LlmObserve.Web.Components.Pages.Traces;
using LlmObserve.Web.Traces;

namespace LlmObserve.Tests.Traces;

public sealed class MessagePartTests : BunitContext
{
    // A 1×1 transparent PNG.
    private const string PngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    [Fact]
    public void ChatMessageList_PngDataUrlPart_RendersABoundedThumbnail()
    {
        var url = "data:image/png;base64," + PngBase64;

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, [UserWith(ImageUrlPart(url))]));

        var image = list.Find("img[data-testid=message-image]");
        Assert.Equal(url, image.GetAttribute("src"));
        Assert.Contains("message-thumbnail", image.ClassList);
        Assert.Empty(list.FindAll("[data-testid=message-part-text]"));
    }

    [Fact]
    public void ChatMessageList_HugeImageDataUrl_ShowsNeitherImageNorTheBase64Text()
    {
        var url = "data:image/png;base64," + new string('A', (MessageParts.MaxImageBytes * 4 / 3) + 400);

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, [UserWith(ImageUrlPart(url))]));

        Assert.Empty(list.FindAll("img"));
        Assert.True(list.Markup.Length < 5_000, $"Markup is {list.Markup.Length:N0} characters.");
        var text = list.Find("[data-testid=message-part-text]").TextContent;
        Assert.Contains("characters)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+")]
    [InlineData("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")]
    [InlineData("javascript:alert(document.domain)")]
    [InlineData("https://example.com/cat.png")]
    [InlineData("data:image/png;base64,\"><script>alert(1)</script>")]
    public void ChatMessageList_UnsafeOrRemoteImageUrl_StaysInertText(string url)
    {
        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, [UserWith(ImageUrlPart(url))]));

        Assert.Empty(list.FindAll("img"));
        Assert.Empty(list.FindAll("a"));
        Assert.Empty(list.FindAll("script"));
        Assert.Contains(url[..10], list.Find("[data-testid=message-part-text]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatMessageList_JavascriptLinkInContent_IsTextNotALink()
    {
        const string content = "[click](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>";
        ChatMessage[] messages = [new() { Role = "assistant", Content = content }];

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, messages));

        Assert.Empty(list.FindAll("a"));
        Assert.Equal(content, list.Find("[data-testid=message-content]").TextContent);
    }

    [Fact]
    public void ChatMessageList_OtelBlobImagePart_RendersAThumbnail()
    {
        var part = JsonSerializer.Deserialize<JsonElement>(
            $$"""{"type":"blob","modality":"image","mime_type":"image/png","content":"{{PngBase64}}"}""");

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, [UserWith(part)]));

        Assert.StartsWith("data:image/png;base64,", list.Find("img").GetAttribute("src"), StringComparison.Ordinal);
    }

    private static JsonElement ImageUrlPart(string url)
        => JsonSerializer.SerializeToElement(new { type = "image_url", image_url = new { url } });

    private static ChatMessage UserWith(JsonElement part)
        => new() { Role = "user", Content = "what is this?", Parts = [part] };
}
