using System.Text.Json;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Offline;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Core.Traces.Queries;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Evaluation.Engine;

/// <summary>
/// What an evaluator reads of one trace: the input and output of the trace (or of its last span of the target type),
/// the documents its retrieval retrieved, an expected output and metadata. Or why there is nothing to read.
/// </summary>
public sealed record EvaluationSubject(
    string? SpanId,
    string Input,
    string Output,
    IReadOnlyList<string> Context,
    string? ExpectedOutput,
    IReadOnlyDictionary<string, string> Metadata,
    string? SkipReason)
{
    /// <summary>The metadata keys read as the expected output (a dataset's reference answer).</summary>
    public static readonly IReadOnlyList<string> ExpectedOutputKeys = ["expected_output", "expectedOutput"];

    public OfflineEvaluationInput ToOffline(EmbeddingMemo? memo)
        => new(Input, Output, Context, ExpectedOutput) { Embeddings = memo };

    public JudgeInput ToJudge() => new(Input, Output, Context, ExpectedOutput, Metadata);

    /// <summary>Reads the subject of a trace for a target; null when the trace is not stored (any more).</summary>
    public static async Task<EvaluationSubject?> ReadAsync(
        LlmObserveDbContext db,
        string projectId,
        string traceId,
        string target,
        CancellationToken cancellationToken)
    {
        var trace = await db.Traces.AsNoTracking()
            .Where(t => t.ProjectId == projectId && t.TraceId == traceId)
            .Select(t => new { t.InputText, t.OutputText, t.MetadataJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (trace is null)
        {
            return null;
        }

        var spans = await db.Spans.AsNoTracking()
            .Where(s => s.ProjectId == projectId && s.TraceId == traceId)
            .OrderBy(s => s.StartTimeUnixNano)
            .ThenBy(s => s.Id)
            .Select(s => new SpanPart(s.SpanId, s.Type, s.InputText, s.OutputText, s.DocumentsJson, s.EndTimeUnixNano))
            .ToListAsync(cancellationToken);

        var metadata = Flatten(trace.MetadataJson);
        var expected = ExpectedOutputKeys.Select(key => metadata.GetValueOrDefault(key))
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
        var context = ContextOf(spans);

        if (target == EvaluatorTargets.Trace)
        {
            return new EvaluationSubject(
                null,
                trace.InputText ?? string.Empty,
                trace.OutputText ?? string.Empty,
                context,
                expected,
                metadata,
                null);
        }

        var span = spans.Where(s => s.Type == target).MaxBy(s => s.EndTimeUnixNano);
        if (span is null)
        {
            return new EvaluationSubject(null, string.Empty, string.Empty, [], null, metadata, $"no {target} span");
        }

        // A retrieval or reranker span answers with its documents: those are what the evaluator reads as context.
        var ownDocuments = Documents(span.DocumentsJson);
        return new EvaluationSubject(
            span.SpanId,
            span.InputText ?? string.Empty,
            span.OutputText ?? string.Empty,
            ownDocuments.Count > 0 ? ownDocuments : context,
            expected,
            metadata,
            null);
    }

    /// <summary>
    /// The documents of the retrieval spans in order; without any, those of the rerankers; without those, of any span
    /// that carried documents. The same text retrieved twice counts once.
    /// </summary>
    private static List<string> ContextOf(IReadOnlyList<SpanPart> spans)
    {
        foreach (var types in new[] { [SpanType.Retrieval], [SpanType.Reranker], (string[]?)null })
        {
            var documents = spans
                .Where(span => types is null || types.Contains(span.Type))
                .SelectMany(span => Documents(span.DocumentsJson))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (documents.Count > 0)
            {
                return documents;
            }
        }

        return [];
    }

    private static List<string> Documents(string? documentsJson)
        => ColumnJson.Decode<RetrievedDocument[]>(documentsJson)?
            .Select(document => document.Content)
            .Where(content => !string.IsNullOrWhiteSpace(content))
            .Select(content => content!)
            .ToList() ?? [];

    /// <summary>The top-level metadata fields: strings as they are, anything else as its JSON.</summary>
    private static Dictionary<string, string> Flatten(string? metadataJson)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ColumnJson.DecodeElement(metadataJson) is not { ValueKind: JsonValueKind.Object } metadata)
        {
            return fields;
        }

        foreach (var property in metadata.EnumerateObject())
        {
            fields[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : property.Value.GetRawText();
        }

        return fields;
    }

    private sealed record SpanPart(
        string SpanId,
        string Type,
        string? InputText,
        string? OutputText,
        string? DocumentsJson,
        long EndTimeUnixNano);
}
