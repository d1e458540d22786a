using System.Text;
using LlmObserve.Core;
using LlmObserve.Core.Ingestion.Native;

namespace LlmObserve.Tests.Ingestion.Native;

/// <summary>Native batches name each bad token count by its JSON path; the other items of the batch are kept.</summary>
public sealed class NativeTokenCountTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    [Theory]
    [InlineData("-5")]
    [InlineData("12.5")]
    [InlineData("\"12\"")]
    public void Read_BadTokenCount_RejectsThatSpanByPathAndKeepsTheRest(string count)
    {
        var json = $$$"""
        {"traces":[{"id":"{{{TraceId}}}","spans":[
          {"name":"bad","type":"generation","usage":{"input":10,"output":{{{count}}}}},
          {"name":"good","type":"generation","usage":{"input":10,"output":5}}]}]}
        """;
        var reader = new NativeBatchReader(new IngestionOptions(), TimeProvider.System);

        var result = reader.Read(Encoding.UTF8.GetBytes(json), "proj-1");

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.traces[0].spans[0].usage.output", error.Path);
        Assert.Contains("whole number of tokens", error.Message, StringComparison.Ordinal);
        Assert.Equal(["good", "trace"], result.Batch.Spans.Select(s => s.Name).Order());
        Assert.Equal(5, result.Batch.Spans.Single(s => s.Name == "good").OutputTokens);
    }
}
