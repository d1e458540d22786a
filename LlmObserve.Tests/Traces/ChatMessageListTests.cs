using Bunit;
using LlmObserve.Core.Traces;
using LlmObserve.Web.Components.Pages.Traces;

namespace LlmObserve.Tests.Traces;

public sealed class ChatMessageListTests : BunitContext
{
    [Fact]
    public void ChatMessageList_ScriptInContent_RendersItAsEscapedText()
    {
        const string content = "<script>alert('x')</script>";
        ChatMessage[] messages = [new() { Role = "assistant", Content = content }];

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, messages));

        Assert.Empty(list.FindAll("script"));
        Assert.Equal(content, list.Find("[data-testid=message-content]").TextContent);
        Assert.Contains("&lt;script&gt;", list.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatMessageList_ImageWithOnErrorInToolArguments_RendersItAsText()
    {
        const string arguments = "<img src=x onerror=alert(1)>";
        ChatMessage[] messages =
        [
            new()
            {
                Role = "assistant",
                Name = "<b>bot</b>",
                ToolCalls =
                [
                    new ToolCall { Id = "call-1", Name = "<img src=y onerror=alert(2)>", Arguments = arguments },
                ],
            },
        ];

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, messages));

        Assert.Empty(list.FindAll("img"));
        Assert.Empty(list.FindAll("b"));
        Assert.Contains(arguments, list.Find("[data-testid=message-tool-call]").TextContent, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", list.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatMessageList_Conversation_LabelsEveryMessageWithItsRole()
    {
        ChatMessage[] messages =
        [
            new() { Role = "system", Content = "Be brief." },
            new() { Role = "user", Content = "Hi" },
            new()
            {
                Role = "assistant",
                ToolCalls = [new ToolCall { Id = "c1", Name = "lookup_order", Arguments = """{"id":7}""" }],
            },
            new() { Role = "tool", ToolCallId = "c1", Content = "shipped" },
        ];

        var list = Render<ChatMessageList>(p => p.Add(c => c.Messages, messages));

        Assert.Equal(
            ["system", "user", "assistant", "tool"],
            list.FindAll("[data-testid=message-role]").Select(r => r.TextContent.Trim()));
        var toolCall = list.Find("[data-testid=message-tool-call]").TextContent;
        Assert.Contains("lookup_order", toolCall, StringComparison.Ordinal);
        Assert.Contains("result of tool call c1", list.Markup, StringComparison.Ordinal);
    }
}
