using LlmObserve.Core.Ingestion;

namespace LlmObserve.Core.Redaction;

/// <summary>
/// Applies the project's redaction to every span, score explanation and feedback comment of a batch before the
/// batch goes further, so nothing a detector matches reaches the store, the pricing step or the logs. Runs on the
/// request's thread; a project with no detector pays one dictionary lookup.
/// </summary>
public sealed class RedactingSpanWriter(ISpanWriter inner, RedactionSettingsService settings) : ISpanWriter
{
    public async Task<IngestResult> WriteAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var redactor = await settings.GetRedactorAsync(batch.ProjectId, cancellationToken);
        if (!redactor.IsEmpty)
        {
            foreach (var span in batch.Spans)
            {
                if (span is not null)
                {
                    span.RedactionsJson = redactor.RedactSpan(span).ToJson();
                }
            }

            var ignored = new RedactionCounts();
            foreach (var score in batch.Scores)
            {
                score.Explanation = redactor.Text(score.Explanation, ignored);
            }

            foreach (var feedback in batch.Feedback)
            {
                feedback.Comment = redactor.Text(feedback.Comment, ignored);
            }
        }

        return await inner.WriteAsync(batch, cancellationToken);
    }
}
