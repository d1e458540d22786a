using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Costs;

/// <summary>What one seeding run did.</summary>
/// <param name="Added">Defaults stored for the first time.</param>
/// <param name="Updated">Defaults whose shipped figures changed and whose stored row nobody had touched.</param>
/// <param name="LeftAlone">Changed defaults whose row someone edited or deleted; their change was kept.</param>
/// <param name="Conflicts">Defaults not stored because an entry people made covers the same match and date.</param>
public sealed record PriceSeedReport(int Added, int Updated, int LeftAlone, IReadOnlyList<string> Conflicts);

/// <summary>
/// Seeds the built-in default prices at start, idempotently. A default is stored once; when a later release ships
/// different figures under the same key, the stored row is updated only if it is exactly as seeded. An edited or
/// deleted default stays as people left it, and no default is stored over an entry people made.
/// </summary>
public sealed class ModelPriceSeeder(IDbContextFactory<LlmObserveDbContext> dbFactory, TimeProvider timeProvider)
{
    /// <summary>Seeds <see cref="BuiltInPrices"/>.</summary>
    public Task<PriceSeedReport> SeedAsync(CancellationToken cancellationToken)
        => SeedAsync(BuiltInPrices.All(), cancellationToken);

    /// <summary>Seeds the given defaults (each with a <see cref="ModelPrice.BuiltInKey"/>).</summary>
    public async Task<PriceSeedReport> SeedAsync(
        IReadOnlyList<ModelPrice> defaults,
        CancellationToken cancellationToken)
    {
        try
        {
            return await SeedOnceAsync(defaults, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance sharing the store seeded the same keys at the same moment; its rows now exist,
            // so a second pass finds them and has nothing left to add.
            return await SeedOnceAsync(defaults, cancellationToken);
        }
    }

    private async Task<PriceSeedReport> SeedOnceAsync(
        IReadOnlyList<ModelPrice> defaults,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var seeds = await db.ModelPriceSeeds.ToDictionaryAsync(s => s.Key, StringComparer.Ordinal, cancellationToken);
        var rows = await db.ModelPrices.ToListAsync(cancellationToken);
        var byKey = rows.Where(r => r.BuiltInKey is not null).ToDictionary(r => r.BuiltInKey!, StringComparer.Ordinal);
        var now = timeProvider.GetUtcNow();
        int added = 0, updated = 0, leftAlone = 0;
        var conflicts = new List<string>();

        foreach (var shipped in defaults)
        {
            var entry = shipped.Clone();
            ModelPriceRules.Normalize(entry);
            var key = entry.BuiltInKey ?? throw new ArgumentException("Every default needs a built-in key.");
            var hash = ModelPriceRules.ContentHash(entry);
            byKey.TryGetValue(key, out var row);

            if (!seeds.TryGetValue(key, out var seed))
            {
                if (row is null)
                {
                    entry.Id = 0;
                    if (ModelPriceRules.Validate(entry, rows) is [var clash, ..])
                    {
                        conflicts.Add($"{key}: {clash.Message}");
                    }
                    else
                    {
                        entry.CreatedAt = now;
                        entry.UpdatedAt = now;
                        db.ModelPrices.Add(entry);
                        rows.Add(entry);
                        added++;
                    }
                }

                // A row with the key but no seed record predates the record: whatever it holds now is kept.
                var recorded = row is null ? hash : ModelPriceRules.ContentHash(row);
                db.ModelPriceSeeds.Add(new ModelPriceSeed { Key = key, ContentHash = recorded, SeededAt = now });
                continue;
            }

            if (seed.ContentHash == hash)
            {
                continue;
            }

            if (row is not null && ModelPriceRules.ContentHash(row) == seed.ContentHash)
            {
                CopyFigures(entry, row);
                row.UpdatedAt = now;
                updated++;
            }
            else
            {
                leftAlone++;
            }

            seed.ContentHash = hash;
            seed.SeededAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PriceSeedReport(added, updated, leftAlone, conflicts);
    }

    private static void CopyFigures(ModelPrice from, ModelPrice to)
    {
        to.ProjectId = from.ProjectId;
        to.MatchKind = from.MatchKind;
        to.Match = from.Match;
        to.Provider = from.Provider;
        to.EffectiveFrom = from.EffectiveFrom;
        to.InputPerMillion = from.InputPerMillion;
        to.OutputPerMillion = from.OutputPerMillion;
        to.CacheReadPerMillion = from.CacheReadPerMillion;
        to.CacheWritePerMillion = from.CacheWritePerMillion;
        to.ReasoningPerMillion = from.ReasoningPerMillion;
        to.Tiers = [.. from.Tiers];
        to.Source = from.Source;
    }
}
