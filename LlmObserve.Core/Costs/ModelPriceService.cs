using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Costs;

/// <summary>The outcome of saving a price entry: the stored entry, or every reason it was refused.</summary>
public sealed record PriceSaveResult(ModelPrice? Saved, IReadOnlyList<PriceValidationError> Errors)
{
    public bool Succeeded => Saved is not null;
}

/// <summary>
/// Reads and edits the price table for Settings and the API: validates each entry against the others, stores it
/// and reloads the shared snapshot, so the next span priced uses the change.
/// </summary>
/// <remarks>
/// Costs are computed when a span is stored, so an edit or deletion changes no stored cost. A price change is an
/// added entry with its own effective date; editing an entry in place is for correcting a mistake.
/// </remarks>
public sealed class ModelPriceService(
    IDbContextFactory<LlmObserveDbContext> dbFactory,
    PriceTableProvider priceTables,
    TimeProvider timeProvider)
{
    /// <summary>The global entries and, with a project, that project's own; by match, then effective date.</summary>
    public async Task<IReadOnlyList<ModelPrice>> ListAsync(string? projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = await db.ModelPrices.AsNoTracking()
            .Where(p => p.ProjectId == null || p.ProjectId == projectId)
            .ToListAsync(cancellationToken);
        return [.. entries.OrderBy(p => p.Provider).ThenBy(p => p.Match).ThenBy(p => p.EffectiveFrom)];
    }

    /// <summary>Adds the entry (<see cref="ModelPrice.Id"/> 0) or replaces the stored one with its id.</summary>
    public async Task<PriceSaveResult> SaveAsync(ModelPrice draft, CancellationToken cancellationToken)
    {
        var entry = draft.Clone();
        ModelPriceRules.Normalize(entry);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.ModelPrices.AsNoTracking().ToListAsync(cancellationToken);
        var stored = entry.Id == 0 ? null : existing.FirstOrDefault(p => p.Id == entry.Id);
        if (entry.Id != 0 && stored is null)
        {
            return new PriceSaveResult(null, [new(nameof(ModelPrice.Id), $"Price entry {entry.Id} no longer exists.")]);
        }

        var errors = ModelPriceRules.Validate(entry, existing);
        if (errors.Count > 0)
        {
            return new PriceSaveResult(null, errors);
        }

        var now = timeProvider.GetUtcNow();
        entry.UpdatedAt = now;
        if (stored is null)
        {
            entry.CreatedAt = now;
            entry.BuiltInKey = null;
            db.ModelPrices.Add(entry);
        }
        else
        {
            // An edited default stays linked to its key, so seeding knows it was changed and leaves it alone.
            entry.CreatedAt = stored.CreatedAt;
            entry.BuiltInKey = stored.BuiltInKey;
            db.ModelPrices.Update(entry);
        }

        await db.SaveChangesAsync(cancellationToken);
        await priceTables.ReloadAsync(cancellationToken);
        return new PriceSaveResult(entry.Clone(), []);
    }

    /// <summary>Removes an entry; a deleted default is not seeded again. False when there was no such entry.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var removed = await db.ModelPrices.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (removed > 0)
        {
            await priceTables.ReloadAsync(cancellationToken);
        }

        return removed > 0;
    }
}
