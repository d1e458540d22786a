namespace LlmObserve.Core;

/// <summary>
/// Every setting of LlmObserve, bound from the <c>LlmObserve</c> configuration section
/// (environment: <c>LlmObserve__Section__Key</c>). Defaults here are the embedded defaults.
/// </summary>
public sealed class LlmObserveOptions
{
    public const string SectionName = "LlmObserve";

    /// <summary>Where the SQLite file and keys live; relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    public StorageOptions Storage { get; set; } = new();

    public IngestionOptions Ingestion { get; set; } = new();

    public InitOptions Init { get; set; } = new();

    public Accounts.AuthOptions Auth { get; set; } = new();

    public DemoOptions Demo { get; set; } = new();

    public EvaluationOptions Evaluation { get; set; } = new();

    public QualityOptions Quality { get; set; } = new();

    public Drift.DriftOptions Drift { get; set; } = new();
    public FeedbackOptions Feedback { get; set; } = new();

    public Annotation.CalibrationOptions Calibration { get; set; } = new();

    public Alerts.AlertOptions Alerts { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();

    public Outbound.OutboundOptions Outbound { get; set; } = new();

    public Projects.RetentionOptions Retention { get; set; } = new();
}

/// <summary>
/// Headers and request limits the web host applies to every response and request (README, "Security defaults").
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Largest request body, in bytes, of every endpoint without a limit of its own (ingestion and dataset import
    /// have theirs): the JSON APIs, Blazor's SignalR negotiation and any form post.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest SignalR message, in bytes, from a browser to the live hub or a Blazor circuit.</summary>
    public long MaxHubMessageBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Further origins a form may post to (Content-Security-Policy <c>form-action</c>), separated by spaces; an
    /// OpenID Connect login that posts back from its provider needs the provider's origin here.
    /// </summary>
    public string ExtraFormActionSources { get; set; } = string.Empty;

    /// <summary>
    /// Further origins a page may open connections to (Content-Security-Policy <c>connect-src</c>), separated by
    /// spaces.
    /// </summary>
    public string ExtraConnectSources { get; set; } = string.Empty;

    /// <summary>
    /// Seconds of the Strict-Transport-Security header, sent over HTTPS to a host that is not loopback.
    /// </summary>
    public int HstsMaxAgeSeconds { get; set; } = 365 * 24 * 3600;
}

/// <summary>User feedback: how soon pending feedback is linked to traces that arrive after it.</summary>
public sealed class FeedbackOptions
{
    /// <summary>Seconds between passes that link pending feedback to traces stored since.</summary>
    public double LinkIntervalSeconds { get; set; } = 2;

    /// <summary>Infer implicit signals (retry, rephrase, abandon) from sessions in the background.</summary>
    public bool InferenceEnabled { get; set; } = true;

    /// <summary>Seconds between inference passes.</summary>
    public double InferenceIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// A trace is read for inference once no span of it arrived for this long (its session may change).
    /// </summary>
    public double InferenceSettleSeconds { get; set; } = 10;

    /// <summary>
    /// Cosine similarity of two consecutive user inputs (MiniLM sentence embeddings) from which the second counts as
    /// a rephrase of the first.
    /// </summary>
    public double RephraseSimilarity { get; set; } = 0.8;

    /// <summary>Minutes without a request after which a session has ended (for abandon).</summary>
    public double SessionIdleMinutes { get; set; } = 30;
}

/// <summary>How the Quality page reads scores.</summary>
public sealed class QualityOptions
{
    /// <summary>The labels <see cref="FailingLabels"/> names by default.</summary>
    public const string DefaultFailingLabels =
        "hallucinated,hallucination,ungrounded,unsupported,irrelevant,incorrect,unsafe,toxic,pii,fail,failed";

    /// <summary>
    /// Score labels that count as a failure, comma-separated and compared ignoring case: the failure rate of a score
    /// name is the share of its labelled scores carrying one of them, shown as the hallucination rate for
    /// groundedness- and hallucination-type scores. Read when the page is drawn, so a change applies to stored scores.
    /// </summary>
    public string FailingLabels { get; set; } = DefaultFailingLabels;

    /// <summary>The labels of <see cref="FailingLabels"/>, trimmed, without empty entries.</summary>
    public IReadOnlySet<string> FailingLabelSet()
        => FailingLabels
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Store settings.</summary>
public sealed class StorageOptions
{
    /// <summary>SQLite file name inside the data directory.</summary>
    public string DatabaseFile { get; set; } = "llmobserve.db";

    /// <summary>
    /// SQLite <c>synchronous</c> pragma: FULL survives power loss; NORMAL survives a process crash only.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";
}

/// <summary>Limits and queueing of ingestion. Limits are configuration, never constants in code.</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest accepted request body after decompression, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Longest kept text field (input, output, message content, document), in characters.</summary>
    public int MaxFieldChars { get; set; } = 256 * 1024;

    /// <summary>Longest kept attribute value inside the raw attributes JSON, in characters.</summary>
    public int MaxAttributeChars { get; set; } = 64 * 1024;

    /// <summary>Spans waiting for the writer beyond which new requests get 503 with Retry-After.</summary>
    public int MaxQueuedSpans { get; set; } = 200_000;

    /// <summary>Most spans written in one transaction.</summary>
    public int MaxSpansPerCommit { get; set; } = 20_000;

    /// <summary>Seconds a rejected client is told to wait.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// Milliseconds a trace whose text changed waits, with the writer idle, before it is indexed for search: a short
    /// wait gathers many traces into one index transaction. Search is eventually consistent by about this much.
    /// </summary>
    public int SearchIndexDelayMs { get; set; } = 100;

    /// <summary>
    /// Longest wait before a changed trace is indexed while the writer is never idle (steady load); also how often an
    /// idle writer looks for traces written by other connections.
    /// </summary>
    public int SearchIndexMaxDelayMs { get; set; } = 500;

    /// <summary>
    /// Most traces indexed in one search transaction, which bounds how long a commit may wait behind it.
    /// </summary>
    public int SearchIndexMaxTraces { get; set; } = 5_000;
}

/// <summary>Headless first-run set-up: creates the first project, key and admin when absent.</summary>
public sealed class InitOptions
{
    public string? ProjectName { get; set; }

    public string? PublicKey { get; set; }

    public string? SecretKey { get; set; }

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }
}

/// <summary>Demo traffic of a RAG support assistant, played through the real OTLP endpoint.</summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }

    /// <summary>Days of history generated at first start.</summary>
    public int HistoryDays { get; set; } = 7;

    /// <summary>Traces per hour in the generated history.</summary>
    public int HistoryTracesPerHour { get; set; } = 12;

    /// <summary>Seconds between live traces after the history is played.</summary>
    public double LiveIntervalSeconds { get; set; } = 5;
}

/// <summary>The evaluation job: how often it runs, how much it takes on at once, and how it retries.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Run the evaluation job at all. Evaluators can still be configured when it is off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// At first start, create an enabled evaluator of each offline kind (groundedness, answer relevance, refusal,
    /// PII, language) for the first project. Off: start with no evaluator.
    /// </summary>
    public bool DefaultOfflineEvaluators { get; set; } = true;

    /// <summary>Seconds between runs of the job (a run still going when the next is due is not doubled).</summary>
    public double IntervalSeconds { get; set; } = 5;

    /// <summary>
    /// A trace is evaluated once no span of it has arrived for this many seconds, so an answer is not judged before
    /// its retrieval or its root span has come in.
    /// </summary>
    public double SettleSeconds { get; set; } = 10;

    /// <summary>Most evaluations taken up in one pass; a run makes passes until nothing is due.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Traces read per evaluator and pass when looking for new ones.</summary>
    public int ScanSize { get; set; } = 2000;

    /// <summary>Traces evaluated at once by the offline evaluators (CPU-bound; each takes one core).</summary>
    public int OfflineConcurrency { get; set; } = 1;

    /// <summary>Judge evaluations at once across all evaluators (each endpoint also has its own cap).</summary>
    public int JudgeConcurrency { get; set; } = 4;

    /// <summary>
    /// Attempts of one evaluation, the first included, when the judge fails, times out or rate-limits.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Seconds before the second attempt of a failed evaluation; doubles with each attempt.</summary>
    public double RetryDelaySeconds { get; set; } = 30;

    /// <summary>The longest wait between attempts, in seconds.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 900;

    /// <summary>
    /// Seconds a worker holds an evaluation it started, renewed while it works; an evaluation whose worker died
    /// (a crash) is taken up again this long after its last renewal.
    /// </summary>
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Longest a run of the job keeps making passes, in seconds, before it lets the next run start.</summary>
    public double MaxRunSeconds { get; set; } = 60;
}
