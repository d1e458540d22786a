using LlmObserve.Core.Accounts;
using LlmObserve.Core.Annotation;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Costs;
using LlmObserve.Core.Datasets;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Monitors;
using LlmObserve.Core.Evaluation.Evaluators;
using LlmObserve.Core.Evaluation.Judge;
using LlmObserve.Core.Evaluation.Runs;
using LlmObserve.Core.Experiments;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Ingestion;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmObserve.Core.Storage;

/// <summary>
/// The store. Table and column names are part of the contract: the span writer uses them directly. Accounts
/// (ASP.NET Core Identity's tables) live in the same store, so one backup holds everything.
/// </summary>
public sealed class LlmObserveDbContext(DbContextOptions<LlmObserveDbContext> options)
    : IdentityDbContext<AppUser>(options)
{
    public DbSet<ProjectMembership> ProjectMemberships => Set<ProjectMembership>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<TraceEntity> Traces => Set<TraceEntity>();

    public DbSet<SpanEntity> Spans => Set<SpanEntity>();

    public DbSet<Score> Scores => Set<Score>();

    public DbSet<TraceScoreSummary> TraceScores => Set<TraceScoreSummary>();

    public DbSet<ScoreRollup> ScoreRollups => Set<ScoreRollup>();

    public DbSet<ScoreRollupState> ScoreRollupStates => Set<ScoreRollupState>();

    public DbSet<FeedbackEntry> Feedback => Set<FeedbackEntry>();

    public DbSet<AnnotationQueue> AnnotationQueues => Set<AnnotationQueue>();

    public DbSet<ScoreConfig> ScoreConfigs => Set<ScoreConfig>();

    public DbSet<AnnotationItem> AnnotationItems => Set<AnnotationItem>();

    public DbSet<AnnotationLease> AnnotationLeases => Set<AnnotationLease>();

    public DbSet<ModelPrice> ModelPrices => Set<ModelPrice>();

    public DbSet<ModelPriceSeed> ModelPriceSeeds => Set<ModelPriceSeed>();

    public DbSet<MetricRollup> MetricRollups => Set<MetricRollup>();

    public DbSet<ActorSliceRollup> ActorSliceRollups => Set<ActorSliceRollup>();

    public DbSet<ActorRollup> ActorRollups => Set<ActorRollup>();

    public DbSet<TraceRollupState> TraceRollupStates => Set<TraceRollupState>();

    public DbSet<Evaluator> Evaluators => Set<Evaluator>();

    public DbSet<EvaluatorVersion> EvaluatorVersions => Set<EvaluatorVersion>();

    public DbSet<EvaluationRun> EvaluationRuns => Set<EvaluationRun>();

    public DbSet<EvaluationBackfill> EvaluationBackfills => Set<EvaluationBackfill>();

    public DbSet<JudgeSpendDay> JudgeSpendDays => Set<JudgeSpendDay>();

    public DbSet<JudgeEndpoint> JudgeEndpoints => Set<JudgeEndpoint>();

    public DbSet<EvaluatorSeed> EvaluatorSeeds => Set<EvaluatorSeed>();

    public DbSet<TraceFeatureRow> TraceFeatures => Set<TraceFeatureRow>();

    public DbSet<TraceFeatureCursor> TraceFeatureCursors => Set<TraceFeatureCursor>();

    public DbSet<Alerts.AlertRule> AlertRules => Set<Alerts.AlertRule>();

    public DbSet<Alerts.AlertChannel> AlertChannels => Set<Alerts.AlertChannel>();

    public DbSet<Alerts.AlertEvent> AlertEvents => Set<Alerts.AlertEvent>();

    public DbSet<Alerts.AlertDelivery> AlertDeliveries => Set<Alerts.AlertDelivery>();

    public DbSet<DriftMonitor> DriftMonitors => Set<DriftMonitor>();

    public DbSet<DriftResult> DriftResults => Set<DriftResult>();

    public DbSet<DriftFeatureResult> DriftFeatureResults => Set<DriftFeatureResult>();

    public DbSet<Dataset> Datasets => Set<Dataset>();

    public DbSet<DatasetItem> DatasetItems => Set<DatasetItem>();

    public DbSet<Experiment> Experiments => Set<Experiment>();

    public DbSet<ExperimentResult> ExperimentResults => Set<ExperimentResult>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no native offset type; storing ticks keeps ordering and range filters in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<ProjectMembership>(membership =>
        {
            membership.ToTable("ProjectMemberships");
            membership.HasKey(m => new { m.ProjectId, m.UserId });
            membership.HasIndex(m => m.UserId);
            membership.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
            membership.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
            membership.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Project>(project =>
        {
            project.ToTable("Projects");
            project.HasKey(p => p.Id);
        });

        builder.Entity<ApiKey>(key =>
        {
            key.ToTable("ApiKeys");
            key.HasIndex(k => k.PublicKey).IsUnique();
            key.HasIndex(k => k.SecretHash).IsUnique();
            key.Property(k => k.Scope).HasDefaultValue(ApiKeyScope.All);
            key.HasOne<Project>().WithMany().HasForeignKey(k => k.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TraceEntity>(trace =>
        {
            trace.ToTable("Traces");
            trace.HasKey(t => t.Id);
            trace.HasIndex(t => new { t.ProjectId, t.TraceId }).IsUnique();
            trace.HasIndex(t => new { t.ProjectId, t.StartTimeUnixNano, t.TraceId });
            trace.HasIndex(t => new { t.ProjectId, t.SessionId, t.StartTimeUnixNano, t.TraceId });
            trace.HasIndex(t => new { t.ProjectId, t.UserId, t.StartTimeUnixNano, t.TraceId });

            // The list's other sort keys and its most used equality filters, each ending in the keyset tie-breaker,
            // so a first page reads an index range instead of sorting the project (bench/README.md, explore).
            trace.HasIndex(t => new { t.ProjectId, t.LatencyMs, t.TraceId });
            trace.HasIndex(t => new { t.ProjectId, t.Cost, t.TraceId });
            trace.HasIndex(t => new { t.ProjectId, t.TotalTokens, t.TraceId });
            trace.HasIndex(t => new { t.ProjectId, t.Status, t.StartTimeUnixNano, t.TraceId });
            trace.HasIndex(t => new { t.ProjectId, t.Environment, t.StartTimeUnixNano, t.TraceId });
        });

        builder.Entity<SpanEntity>(span =>
        {
            span.ToTable("Spans");
            span.HasKey(s => s.Id);
            span.HasIndex(s => new { s.ProjectId, s.TraceId, s.SpanId }).IsUnique();
        });

        builder.Entity<Score>(score =>
        {
            score.ToTable("Scores");
            score.HasIndex(s => new { s.ProjectId, s.TraceId });
            score.HasIndex(s => new { s.ProjectId, s.Name, s.CreatedAt });

            // The last guard of "each (trace, evaluator version) is scored at most once": whatever retries, restarts
            // or a second instance do, the store refuses a second evaluator score.
            score.HasIndex(s => new { s.EvaluatorId, s.EvaluatorVersion, s.TraceId })
                .IsUnique()
                .HasFilter("\"EvaluatorId\" IS NOT NULL")
                .HasDatabaseName("UX_Scores_Evaluator_Trace");
            // A label filter on the trace list starts from the scores carrying the label when they are few.
            score.HasIndex(s => new { s.ProjectId, s.Name, s.Label, s.TraceId });
            score.HasIndex(s => s.AnnotationItemId).HasFilter("\"AnnotationItemId\" IS NOT NULL");

            // A score re-sent under the sender's id (a retried batch) is stored once; scores without one are not
            // checked. The writer's insert names this index as its conflict target.
            score.Property(s => s.ClientId).HasMaxLength(ClientIds.MaxLength);
            score.HasIndex(s => new { s.ProjectId, s.ClientId })
                .IsUnique()
                .HasFilter("\"ClientId\" IS NOT NULL")
                .HasDatabaseName("UX_Scores_ClientId");
        });

        // Kept by ScoreAggregateMaintainer. The index serves the list's score filter and sort: a name's traces in
        // order of their mean, with the trace's row id so the list joins its traces without reading this table.
        builder.Entity<TraceScoreSummary>(summary =>
        {
            summary.ToTable("TraceScores");
            summary.HasKey(s => new { s.ProjectId, s.TraceId, s.Name });
            summary.HasIndex(s => new { s.ProjectId, s.Name, s.Mean, s.TraceId, s.TraceRowId });
        });

        builder.Entity<ScoreRollup>(rollup =>
        {
            rollup.ToTable("ScoreRollups");
            rollup.HasKey(r => new
            {
                r.ProjectId, r.Resolution, r.BucketStart, r.Name, r.Environment, r.Release, r.Model, r.Label,
            });
        });

        builder.Entity<ScoreRollupState>(state =>
        {
            state.ToTable("ScoreRollupStates");
            state.HasKey(s => new { s.ProjectId, s.TraceId });
        });

        builder.Entity<FeedbackEntry>(feedback =>
        {
            feedback.ToTable("Feedback");
            feedback.HasIndex(f => new { f.ProjectId, f.TraceId });
            feedback.HasIndex(f => new { f.ProjectId, f.RequestId });

            // Feedback rates over a range read this index alone (FeedbackRateQueries).
            feedback.HasIndex(f => new { f.ProjectId, f.CreatedAt, f.Kind, f.Value });
            feedback.Property(f => f.Source).HasDefaultValue(FeedbackSource.Api);
            feedback.HasIndex(f => f.LinkedAt).HasFilter("\"LinkedAt\" IS NULL").HasDatabaseName("IX_Feedback_Pending");

            // An inferred signal is stored once per trace and kind, however often its session is read.
            feedback.HasIndex(f => new { f.ProjectId, f.TraceId, f.Kind })
                .IsUnique()
                .HasFilter("\"Source\" = 'inferred'")
                .HasDatabaseName("IX_Feedback_Inferred");

            // Feedback re-sent under the sender's id (a retried request) is stored once, like scores above.
            feedback.Property(f => f.ClientId).HasMaxLength(ClientIds.MaxLength);
            feedback.HasIndex(f => new { f.ProjectId, f.ClientId })
                .IsUnique()
                .HasFilter("\"ClientId\" IS NOT NULL")
                .HasDatabaseName("UX_Feedback_ClientId");
        });

        builder.Entity<AnnotationQueue>(queue =>
        {
            queue.ToTable("AnnotationQueues");
            queue.HasIndex(q => new { q.ProjectId, q.CreatedAt });
            queue.HasOne<Project>().WithMany().HasForeignKey(q => q.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ScoreConfig>(config =>
        {
            config.ToTable("ScoreConfigs");
            config.Ignore(c => c.LabelList);
            config.HasIndex(c => new { c.QueueId, c.Name }).IsUnique();
            config.HasOne<AnnotationQueue>().WithMany().HasForeignKey(c => c.QueueId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AnnotationItem>(item =>
        {
            item.ToTable("AnnotationItems");
            item.HasIndex(i => new { i.QueueId, i.Position });
            item.HasIndex(i => new { i.QueueId, i.TraceId }).IsUnique();
            item.HasOne<AnnotationQueue>().WithMany().HasForeignKey(i => i.QueueId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AnnotationLease>(lease =>
        {
            lease.ToTable("AnnotationLeases");
            lease.HasIndex(l => new { l.ItemId, l.Reviewer }).IsUnique();
            lease.HasIndex(l => new { l.Reviewer, l.State });
            lease.HasOne<AnnotationItem>().WithMany().HasForeignKey(l => l.ItemId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<FeedbackInferenceState>(state =>
        {
            state.ToTable("FeedbackInferenceStates");
            state.Property(s => s.Id).ValueGeneratedNever();
        });

        builder.Entity<SessionInferenceQueueEntry>(entry =>
        {
            entry.ToTable("SessionInferenceQueue");
            entry.HasKey(e => new { e.ProjectId, e.SessionId });
            entry.HasIndex(e => e.CheckAfter);
        });

        builder.Entity<ModelPrice>(price =>
        {
            price.ToTable("ModelPrices");
            price.HasIndex(p => p.BuiltInKey).IsUnique();
            price.HasIndex(p => new { p.ProjectId, p.Match });
            price.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
            price.Property(p => p.MatchKind).HasMaxLength(16);
            price.Property(p => p.Match).HasMaxLength(ModelPriceRules.MaxMatchLength);
            price.Property(p => p.Tiers).HasConversion(PriceTierColumn.Converter, PriceTierColumn.Comparer);
        });

        builder.Entity<ModelPriceSeed>(seed =>
        {
            seed.ToTable("ModelPriceSeeds");
            seed.HasKey(s => s.Key);
        });

        // Rollups are read by range of bucket within one project and resolution: the keys lead with those.
        builder.Entity<MetricRollup>(rollup =>
        {
            rollup.ToTable("MetricRollups");
            rollup.HasKey(r => new { r.ProjectId, r.Resolution, r.BucketStart, r.Environment, r.Model });
        });

        builder.Entity<ActorRollup>(rollup =>
        {
            rollup.ToTable("ActorRollups");
            rollup.HasKey(r => new { r.ProjectId, r.Kind, r.BucketStart, r.Key });
        });

        // Read by kind, then model and environment, over a range of days: the key leads with those.
        builder.Entity<ActorSliceRollup>(rollup =>
        {
            rollup.ToTable("ActorSliceRollups");
            rollup.HasKey(r => new { r.ProjectId, r.Kind, r.Model, r.Environment, r.BucketStart, r.Key });
        });

        builder.Entity<TraceRollupState>(state =>
        {
            state.ToTable("TraceRollupStates");
            state.HasKey(s => new { s.ProjectId, s.TraceId });
        });

        ConfigureEvaluation(builder);
        Alerts.AlertModel.Configure(builder);
        ConfigureDriftMonitors(builder);
    }

    private static void ConfigureDriftMonitors(ModelBuilder builder)
    {
        builder.Entity<DriftMonitor>(monitor =>
        {
            monitor.ToTable("DriftMonitors");
            monitor.HasKey(m => m.Id);
            monitor.HasIndex(m => new { m.ProjectId, m.Name }).IsUnique();

            // What the job finds due.
            monitor.HasIndex(m => new { m.Enabled, m.NextRunAt });
            monitor.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DriftResult>(result =>
        {
            result.ToTable("DriftResults");
            result.HasIndex(r => new { r.MonitorId, r.RunAt });
            result.HasOne<DriftMonitor>().WithMany().HasForeignKey(r => r.MonitorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DriftFeatureResult>(feature =>
        {
            feature.ToTable("DriftFeatureResults");

            // A feature's series over time, read without the runs.
            feature.HasIndex(f => new { f.MonitorId, f.Feature, f.RunAt });
            feature.HasIndex(f => f.ResultId);
            feature.HasOne<DriftResult>().WithMany().HasForeignKey(f => f.ResultId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static void ConfigureEvaluation(ModelBuilder builder)
    {
        builder.Entity<JudgeEndpoint>(endpoint =>
        {
            endpoint.ToTable("JudgeEndpoints");
            endpoint.HasIndex(e => new { e.ProjectId, e.Name }).IsUnique();
            endpoint.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Evaluator>(evaluator =>
        {
            evaluator.ToTable("Evaluators");
            evaluator.HasKey(e => e.Id);
            evaluator.HasIndex(e => new { e.ProjectId, e.Name }).IsUnique();
            evaluator.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<EvaluatorVersion>(version =>
        {
            version.ToTable("EvaluatorVersions");
            version.HasIndex(v => new { v.EvaluatorId, v.Version }).IsUnique();
            version.HasOne<Evaluator>().WithMany().HasForeignKey(v => v.EvaluatorId).OnDelete(DeleteBehavior.Cascade);

            // An endpoint in use by a current version cannot be deleted (the service refuses); older versions
            // keep their settings but lose the reference.
            version.HasOne<JudgeEndpoint>().WithMany().HasForeignKey(v => v.JudgeEndpointId)
                .OnDelete(DeleteBehavior.SetNull);
        });

        builder.Entity<EvaluationRun>(run =>
        {
            run.ToTable("EvaluationRuns");

            // At most one evaluation per (evaluator version, trace): claiming is an INSERT OR IGNORE against it.
            run.HasIndex(r => new { r.EvaluatorId, r.EvaluatorVersion, r.TraceId }).IsUnique();

            // Counts per state of a version, and the recent errors, read by the status API and page.
            run.HasIndex(r => new { r.EvaluatorId, r.EvaluatorVersion, r.Status, r.FinishedAt });

            // What is due: pending runs by their next attempt, and running ones by lease.
            run.HasIndex(r => new { r.Status, r.NextAttemptAt });
            run.HasIndex(r => r.LeaseToken);

            // A retention purge finds the runs of the traces it removes without reading every run of an evaluator.
            run.HasIndex(r => new { r.ProjectId, r.TraceId });
            run.HasOne<Evaluator>().WithMany().HasForeignKey(r => r.EvaluatorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<EvaluationBackfill>(backfill =>
        {
            backfill.ToTable("EvaluationBackfills");
            backfill.HasIndex(b => new { b.EvaluatorId, b.CompletedAt });
            backfill.HasOne<Evaluator>().WithMany().HasForeignKey(b => b.EvaluatorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<JudgeSpendDay>(spend =>
        {
            spend.ToTable("JudgeSpendDays");
            spend.HasKey(s => new { s.EvaluatorId, s.Day });
            spend.HasOne<Evaluator>().WithMany().HasForeignKey(s => s.EvaluatorId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<EvaluatorSeed>(seed =>
        {
            seed.ToTable("EvaluatorSeeds");
            seed.HasKey(s => s.ProjectId);
        });

        // One row per trace; a trigger on Traces deletes it with its trace (migration TraceFeatures).
        builder.Entity<TraceFeatureRow>(features =>
        {
            features.ToTable("TraceFeatures");
            features.HasKey(f => new { f.ProjectId, f.TraceId });

            // A window's features of the current version, read by time.
            features.HasIndex(f => new { f.ProjectId, f.FeatureVersion, f.StartTimeUnixNano });
        });

        builder.Entity<TraceFeatureCursor>(cursor =>
        {
            cursor.ToTable("TraceFeatureCursors");
            cursor.HasKey(c => c.ProjectId);
            cursor.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Dataset>(dataset =>
        {
            dataset.ToTable("Datasets");
            dataset.HasKey(d => d.Id);
            dataset.HasIndex(d => new { d.ProjectId, d.Name }).IsUnique();

            // Two changes at once must not both take the next version number: the loser retries.
            dataset.Property(d => d.Version).IsConcurrencyToken();
            dataset.HasOne<Project>().WithMany().HasForeignKey(d => d.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DatasetItem>(item =>
        {
            item.ToTable("DatasetItems");
            item.HasIndex(i => new { i.DatasetId, i.ItemId, i.FromVersion }).IsUnique();
            item.HasIndex(i => new { i.DatasetId, i.ToVersion, i.Position });
            item.HasOne<Dataset>().WithMany().HasForeignKey(i => i.DatasetId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Experiment>(experiment =>
        {
            experiment.ToTable("Experiments");
            experiment.HasKey(e => e.Id);
            experiment.HasIndex(e => new { e.ProjectId, e.CreatedAt });
            experiment.HasIndex(e => e.Status);
            experiment.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
            experiment.HasOne<Dataset>().WithMany().HasForeignKey(e => e.DatasetId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ExperimentResult>(result =>
        {
            result.ToTable("ExperimentResults");
            result.HasIndex(r => new { r.ExperimentId, r.Position });
            result.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId)
                .OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEvent>(audit =>
        {
            audit.ToTable("AuditEvents");
            audit.HasIndex(e => new { e.ProjectId, e.Id });
            audit.HasIndex(e => new { e.ProjectId, e.Action, e.Id });
            audit.Property(e => e.Actor).HasMaxLength(AuditLog.MaxActorLength);
            audit.Property(e => e.Action).HasMaxLength(100);
            audit.Property(e => e.Target).HasMaxLength(AuditLog.MaxTargetLength);
        });
    }
}
