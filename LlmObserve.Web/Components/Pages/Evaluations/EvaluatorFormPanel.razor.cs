using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Web.Evaluation;
using Microsoft.AspNetCore.Components;

namespace LlmObserve.Web.Components.Pages.Evaluations;

/// <summary>
/// The form that creates or changes an evaluator. A custom prompt's unknown variables show beside it while it is
/// typed; every reason a save was refused shows beside the field it names, and one that names no field shown above
/// the form, so none is lost.
/// </summary>
public sealed partial class EvaluatorFormPanel
{
    private static readonly string[] _placedFields =
    [
        "name", "kind", "target", "samplingRate", "filter", "judge", "judge.endpointId", "judge.template",
        "judge.model", "judge.maxTokensPerDay", "judge.maxCostPerDay", "judge.prompt", "judge.labels",
    ];

    [Parameter, EditorRequired]
    public EvaluatorForm Form { get; set; } = default!;

    [Parameter]
    public IReadOnlyList<JudgeEndpointView> Endpoints { get; set; } = [];

    [Parameter]
    public IReadOnlyList<FieldError> Errors { get; set; } = [];

    /// <summary>What is wrong with a custom prompt, by the rules the save applies.</summary>
    [Parameter, EditorRequired]
    public Func<string?, IReadOnlyList<string>> PromptProblems { get; set; } = default!;

    [Parameter]
    public bool Saving { get; set; }

    [Parameter]
    public EventCallback OnSave { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    private string KindHelp => Form.Kind switch
    {
        EvaluatorKinds.Judge => "An LLM judge asked through an endpoint",
        EvaluatorKinds.Groundedness => "Answer supported by the retrieved context",
        EvaluatorKinds.AnswerRelevance => "Answer on the question's subject",
        EvaluatorKinds.Refusal => "The answer declines the request",
        EvaluatorKinds.Pii => "E-mails, phones, cards, IBANs",
        EvaluatorKinds.Language => "The answer's language",
        _ => string.Empty,
    };

    private const string FilterHelp = "The trace list's filters as in its address, e.g. "
        + "environment=production&tag=rag (empty: every trace). Filter the trace list and paste its address.";

    private static string VariablesHelp => "Variables: "
        + string.Join(", ", JudgeTemplateVariables.All.Select(v => "{{" + v + "}}"))
        + ". The engine adds the instruction to answer in JSON with a label, a score and an explanation.";

    private string TemplatePrompt
        => JudgeTemplates.BuiltIn.FirstOrDefault(t => t.Name == Form.Template)?.Prompt ?? string.Empty;

    /// <summary>
    /// The prompt's problems as it stands, shown once something is typed or a save was refused for it, so a reason
    /// given at save goes away as soon as the prompt is fixed.
    /// </summary>
    private IReadOnlyList<string> PromptErrors
        => string.IsNullOrWhiteSpace(Form.Prompt) && !HasError("judge.prompt") ? [] : PromptProblems(Form.Prompt);

    private IEnumerable<string> UnplacedErrors
        => Errors.Where(e => !_placedFields.Contains(e.Field)).Select(e => e.Message);

    private bool HasError(string field) => Errors.Any(e => e.Field == field);

    private string? ErrorText(string field)
        => string.Join(" ", Errors.Where(e => e.Field == field).Select(e => e.Message)) is { Length: > 0 } text
            ? text
            : null;
}
