using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>The variables a judge template may use, and how a trace fills them.</summary>
public static partial class JudgeTemplateVariables
{
    public const string Input = "input";
    public const string Output = "output";
    public const string Context = "context";
    public const string ExpectedOutput = "expected_output";
    public const string Metadata = "metadata";

    public static readonly IReadOnlyList<string> All = [Input, Output, Context, ExpectedOutput, Metadata];

    /// <summary>The names of the {{variables}} a prompt uses, in order of first use, unknown ones included.</summary>
    public static IReadOnlyList<string> NamesIn(string prompt) =>
        VariablePattern().Matches(prompt).Select(match => match.Groups["name"].Value).Distinct().ToList();

    /// <summary>
    /// The prompt with each variable replaced by the trace's value, or the reason the trace cannot fill it.
    /// Replacement is one pass, so a trace whose text contains "{{context}}" does not pull in more text.
    /// </summary>
    internal static (string? Prompt, string? SkipReason) Render(string prompt, JudgeInput input)
    {
        foreach (var name in NamesIn(prompt))
        {
            var missing = MissingReason(name, input);
            if (missing is not null)
            {
                return (null, missing);
            }
        }

        var rendered = VariablePattern().Replace(prompt, match => ValueOf(match.Groups["name"].Value, input));
        return (rendered, null);
    }

    private static string? MissingReason(string name, JudgeInput input) => name switch
    {
        Input when string.IsNullOrWhiteSpace(input.Input) => "The trace has no input, which this judge needs.",
        Output when string.IsNullOrWhiteSpace(input.Output) => "The trace has no output, which this judge needs.",
        Context when !input.RetrievedContext.Any(document => !string.IsNullOrWhiteSpace(document)) =>
            "The trace has no retrieved context, which this judge needs.",
        ExpectedOutput when string.IsNullOrWhiteSpace(input.ExpectedOutput) =>
            "The trace has no expected output, which this judge needs.",
        Metadata when input.Metadata is null || input.Metadata.Count == 0 =>
            "The trace has no metadata, which this judge needs.",
        _ => null,
    };

    private static string ValueOf(string name, JudgeInput input) => name switch
    {
        Input => input.Input,
        Output => input.Output,
        Context => FormatContext(input.RetrievedContext),
        ExpectedOutput => input.ExpectedOutput ?? string.Empty,
        Metadata => FormatMetadata(input.Metadata!),
        _ => throw new InvalidOperationException($"The template variable '{name}' is unknown."),
    };

    private static string FormatContext(IReadOnlyList<string> documents)
    {
        var text = new StringBuilder();
        var number = 0;
        foreach (var document in documents.Where(document => !string.IsNullOrWhiteSpace(document)))
        {
            number++;
            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"[{number}] {document.Trim()}");
        }

        return text.ToString();
    }

    private static string FormatMetadata(IReadOnlyDictionary<string, string> metadata) =>
        string.Join(
            '\n',
            metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}: {pair.Value}"));

    [GeneratedRegex(@"\{\{\s*(?<name>[^{}\s]*)\s*\}\}")]
    private static partial Regex VariablePattern();
}
