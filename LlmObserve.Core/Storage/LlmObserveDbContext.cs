using LlmObserve.Core.Costs;
using LlmObserve.Core.Feedback;
using LlmObserve.Core.Metrics;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Scores;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmObserve.Core.Storage;

/// <summary>The store. Table and column names are part of the contract: the span writer uses them directly.</summary>
public sealed class LlmObserveDbContext(DbContextOptions<LlmObserveDbContext> options) : DbContext(options)
{
    public DbSet<Project> Projects => Set<Project>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<TraceEntity> Traces => Set<TraceEntity>();

    public DbSet<SpanEntity> Spans => Set<SpanEntity>();

    public DbSet<Score> Scores => Set<Score>();

    public DbSet<FeedbackEntry> Feedback => Set<FeedbackEntry>();

    public DbSet<ModelPrice> ModelPrices => Set<ModelPrice>();

    public DbSet<ModelPriceSeed> ModelPriceSeeds => Set<ModelPriceSeed>();

    public DbSet<MetricRollup> MetricRollups => Set<MetricRollup>();

    public DbSet<ActorSliceRollup> ActorSliceRollups => Set<ActorSliceRollup>();

    public DbSet<ActorRollup> ActorRollups => Set<ActorRollup>();

    public DbSet<TraceRollupState> TraceRollupStates => Set<TraceRollupState>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no native offset type; storing ticks keeps ordering and range filters in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Project>(project =>
        {
            project.ToTable("Projects");
            project.HasKey(p => p.Id);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("ApiKeys");
            key.HasIndex(k => k.PublicKey).IsUnique();
            key.HasIndex(k => k.SecretHash).IsUnique();
            key.HasOne<Project>().WithMany().HasForeignKey(k => k.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TraceEntity>(trace =>
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

        modelBuilder.Entity<SpanEntity>(span =>
        {
            span.ToTable("Spans");
            span.HasKey(s => s.Id);
            span.HasIndex(s => new { s.ProjectId, s.TraceId, s.SpanId }).IsUnique();
        });

        modelBuilder.Entity<Score>(score =>
        {
            score.ToTable("Scores");
            score.HasIndex(s => new { s.ProjectId, s.TraceId });
            score.HasIndex(s => new { s.ProjectId, s.Name, s.CreatedAt });
        });

        modelBuilder.Entity<FeedbackEntry>(feedback =>
        {
            feedback.ToTable("Feedback");
            feedback.HasIndex(f => new { f.ProjectId, f.TraceId });
            feedback.HasIndex(f => new { f.ProjectId, f.RequestId });
        });

        modelBuilder.Entity<ModelPrice>(price =>
        {
            price.ToTable("ModelPrices");
            price.HasIndex(p => p.BuiltInKey).IsUnique();
            price.HasIndex(p => new { p.ProjectId, p.Match });
            price.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
            price.Property(p => p.MatchKind).HasMaxLength(16);
            price.Property(p => p.Match).HasMaxLength(ModelPriceRules.MaxMatchLength);
            price.Property(p => p.Tiers).HasConversion(PriceTierColumn.Converter, PriceTierColumn.Comparer);
        });

        modelBuilder.Entity<ModelPriceSeed>(seed =>
        {
            seed.ToTable("ModelPriceSeeds");
            seed.HasKey(s => s.Key);
        });

        // Rollups are read by range of bucket within one project and resolution: the keys lead with those.
        modelBuilder.Entity<MetricRollup>(rollup =>
        {
            rollup.ToTable("MetricRollups");
            rollup.HasKey(r => new { r.ProjectId, r.Resolution, r.BucketStart, r.Environment, r.Model });
        });

        modelBuilder.Entity<ActorRollup>(rollup =>
        {
            rollup.ToTable("ActorRollups");
            rollup.HasKey(r => new { r.ProjectId, r.Kind, r.BucketStart, r.Key });
        });

        // Read by kind, then model and environment, over a range of days: the key leads with those.
        modelBuilder.Entity<ActorSliceRollup>(rollup =>
        {
            rollup.ToTable("ActorSliceRollups");
            rollup.HasKey(r => new { r.ProjectId, r.Kind, r.Model, r.Environment, r.BucketStart, r.Key });
        });

        modelBuilder.Entity<TraceRollupState>(state =>
        {
            state.ToTable("TraceRollupStates");
            state.HasKey(s => new { s.ProjectId, s.TraceId });
        });
    }
}
