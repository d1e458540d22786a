using LlmObserve.Core.Feedback;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using LlmObserve.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LlmObserve.Tests.Traces;

/// <summary>Writes trace rows straight into the running app's store, standing in for the span writer.</summary>
internal sealed class TraceStore(RunningApp app)
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private IDbContextFactory<LlmObserveDbContext> Factory
        => app.Services.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();

    /// <summary>The project of <see cref="RunningApp.PublicKey"/>.</summary>
    public async Task<string> ProjectIdAsync()
    {
        await using var db = await Factory.CreateDbContextAsync();
        // A variable, not the constant: EF Core's debug log prints a query's constants (see LogAuditTests).
        var publicKey = RunningApp.PublicKey;
        return await db.ApiKeys.Where(k => k.PublicKey == publicKey).Select(k => k.ProjectId).SingleAsync();
    }

    public async Task<string> AddProjectAsync(string name)
    {
        await using var db = await Factory.CreateDbContextAsync();
        var project = new Project
        {
            Id = "proj-" + Guid.NewGuid().ToString("N")[..12],
            Name = name,
            CreatedAt = BaseTime.AddYears(1),
        };
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    public async Task AddAsync(
        IEnumerable<TraceEntity> traces,
        IEnumerable<SpanEntity>? spans = null,
        IEnumerable<Score>? scores = null,
        IEnumerable<FeedbackEntry>? feedback = null)
    {
        await using var db = await Factory.CreateDbContextAsync();
        db.Traces.AddRange(traces);
        db.Spans.AddRange(spans ?? []);
        db.Scores.AddRange(scores ?? []);
        db.Feedback.AddRange(feedback ?? []);
        await db.SaveChangesAsync();
    }

    /// <summary>Waits until the app's writer has indexed the added traces for search (bounded).</summary>
    public Task WaitForSearchIndexAsync() => Poll.UntilSearchIndexedAsync(() => Factory.CreateDbContext());

    /// <summary>
    /// Waits until the app's writer has brought the score aggregates (list columns, filters, Quality page) up to date
    /// with scores added here, which it catches up like any other connection's (bounded).
    /// </summary>
    public Task WaitForScoresAsync() => Poll.UntilScoresAggregatedAsync(() => Factory.CreateDbContext());

    public static string TraceId(int n) => n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public static string SpanId(int n) => n.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public static long Nanos(DateTimeOffset time) => UnixNanos.FromDateTimeOffset(time);

    /// <summary>A plain successful trace starting <paramref name="minutes"/> after <see cref="BaseTime"/>.</summary>
    public static TraceEntity Trace(string projectId, int n, double minutes) => new()
    {
        ProjectId = projectId,
        TraceId = TraceId(n),
        Name = "chat",
        Status = SpanStatus.Ok,
        StartTimeUnixNano = Nanos(BaseTime.AddMinutes(minutes)),
        EndTimeUnixNano = Nanos(BaseTime.AddMinutes(minutes).AddMilliseconds(500)),
        LatencyMs = 500,
        SpanCount = 1,
    };

    public static SpanEntity Span(string projectId, string traceId, int n, string? parent, double offsetMs) => new()
    {
        ProjectId = projectId,
        TraceId = traceId,
        SpanId = SpanId(n),
        ParentSpanId = parent,
        Name = "span " + n,
        Type = SpanType.Span,
        Status = SpanStatus.Ok,
        StartTimeUnixNano = Nanos(BaseTime.AddMilliseconds(offsetMs)),
        EndTimeUnixNano = Nanos(BaseTime.AddMilliseconds(offsetMs + 10)),
    };
}
