using LlmObserve.Core.Projects;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Alerts;

/// <summary>The store's tables of alerting.</summary>
internal static class AlertModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AlertRule>(rule =>
        {
            rule.ToTable("AlertRules");
            rule.HasIndex(r => new { r.ProjectId, r.Name }).IsUnique();
            rule.HasIndex(r => r.Enabled);
            rule.HasOne<Project>().WithMany().HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AlertChannel>(channel =>
        {
            channel.ToTable("AlertChannels");
            channel.HasIndex(c => new { c.ProjectId, c.Name }).IsUnique();
            channel.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        // Events outlive their rule: the history keeps the rule's name and metric.
        modelBuilder.Entity<AlertEvent>(alert =>
        {
            alert.ToTable("AlertEvents");
            alert.HasIndex(e => new { e.ProjectId, e.Id });
            alert.HasIndex(e => new { e.RuleId, e.Id });
            alert.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AlertDelivery>(delivery =>
        {
            delivery.ToTable("AlertDeliveries");
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => d.EventId);
            delivery.HasOne<AlertEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
