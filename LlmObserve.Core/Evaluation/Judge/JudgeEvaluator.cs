using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LlmObserve.Core.Evaluation.Judge;

/// <summary>
/// An evaluator that asks an LLM judge: fills the template from the trace, skips a trace that lacks what the
/// template needs, stops at the daily budget, and turns the judge's reply into a score or an unparseable result
/// that keeps the raw text.
/// </summary>
public sealed class JudgeEvaluator
{
    private readonly JudgeClient _client;
    private readonly JudgeSpendLedger _ledger;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _instructions;
    private readonly string _budgetKey;

    public JudgeEvaluator(
        string name,
        JudgeTemplate template,
        JudgeBudget budget,
        JudgeClient client,
        JudgeSpendLedger ledger,
        TimeProvider timeProvider,
        ILogger<JudgeEvaluator> logger,
        string? budgetKey = null)
    {
        var errors = template.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"The judge template '{template.Name}' is invalid: " + string.Join(" ", errors),
                nameof(template));
        }

        Name = string.IsNullOrWhiteSpace(name) ? template.Name : name;
        _budgetKey = string.IsNullOrWhiteSpace(budgetKey) ? Name : budgetKey;
        Template = template;
        Budget = budget;
        _client = client;
        _ledger = ledger;
        _timeProvider = timeProvider;
        _logger = logger;
        _instructions = template.Instructions();
        Version = VersionOf(template, _instructions, client.Options.Model);
    }

    /// <summary>The score name this evaluator writes.</summary>
    public string Name { get; }

    /// <summary>Changes whenever the prompt, the labels, the scale or the judge model changes.</summary>
    public string Version { get; }

    public JudgeTemplate Template { get; }

    public JudgeBudget Budget { get; }

    /// <summary>Whose spend the budget counts in the ledger: the evaluator's id when given, else its name.</summary>
    public string BudgetKey => _budgetKey;

    public async Task<JudgeResult> EvaluateAsync(JudgeInput input, CancellationToken cancellationToken = default)
    {
        var (prompt, skipReason) = JudgeTemplateVariables.Render(Template.Prompt, input);
        if (prompt is null)
        {
            return JudgeResult.NotScored(Name, JudgeOutcome.Skipped, skipReason!, JudgeUsage.None, 0);
        }

        var day = DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);
        if (_ledger.Exhausted(_budgetKey, day, Budget) is { } exhausted)
        {
            _logger.BudgetReached(Name);
            return JudgeResult.NotScored(Name, JudgeOutcome.BudgetReached, exhausted, JudgeUsage.None, 0);
        }

        var call = await _client.CompleteAsync(_instructions, prompt, cancellationToken);
        _ledger.Add(_budgetKey, day, call.Usage);

        if (call.Status != JudgeCallStatus.Completed)
        {
            var outcome = call.Status switch
            {
                JudgeCallStatus.RateLimited => JudgeOutcome.RateLimited,
                JudgeCallStatus.TimedOut => JudgeOutcome.TimedOut,
                _ => JudgeOutcome.Failed,
            };
            return JudgeResult.NotScored(Name, outcome, call.Reason!, call.Usage, call.Attempts, call.ServerWait);
        }

        var reply = call.Reply ?? string.Empty;
        var parse = JudgeReplyParser.Parse(reply, Template);
        if (parse.Verdict is not { } verdict)
        {
            _logger.Unparseable(Name, reply.Length, parse.Failure!);
            return JudgeResult.Unparseable(Name, parse.Failure!, reply, call.Usage, call.Attempts);
        }

        _logger.Scored(Name, verdict.Score, verdict.Label, call.Usage.TotalTokens, call.Attempts);
        return JudgeResult.Scored(Name, verdict, reply, call.Usage, call.Attempts);
    }

    private static string VersionOf(JudgeTemplate template, string instructions, string model)
    {
        var labels = string.Join(";", template.Labels.Select(label => $"{label.Name}={label.Score:R}"));
        var text = string.Join("\n\u001f", template.Prompt, instructions, labels, template.Scale.ToString(), model);
        return "judge-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }
}
