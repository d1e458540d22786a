namespace LlmObserve.Core.Evaluation.Offline;

/// <summary>Whether the context supports one claim of an answer.</summary>
public enum SupportVerdict
{
    Supported,
    Unsure,
    Unsupported,
}

/// <summary>Turns per-claim verdicts into one faithfulness figure, as published evaluators do.</summary>
public static class SupportVerdicts
{
    /// <summary>
    /// Claims not found unsupported, over all claims (DeepEval's faithfulness, RAGAS's supported over total
    /// when no claim is unsure). An unsure claim counts as faithful unless <paramref name="penalizeUnsure"/>.
    /// Null when there is no claim: an answer without claims is neither grounded nor not.
    /// </summary>
    public static double? FaithfulFraction(IReadOnlyCollection<SupportVerdict> verdicts, bool penalizeUnsure)
    {
        if (verdicts.Count == 0)
        {
            return null;
        }

        var faithful = verdicts.Count(verdict => verdict != SupportVerdict.Unsupported);
        if (penalizeUnsure)
        {
            faithful -= verdicts.Count(verdict => verdict == SupportVerdict.Unsure);
        }

        return (double)faithful / verdicts.Count;
    }
}
