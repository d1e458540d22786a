using LlmObserve.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Costs;

/// <summary>
/// Holds the current <see cref="PriceTable"/> snapshot for the process. Readers (the span writer, rollups, pages)
/// take <see cref="Current"/> and keep it for a batch; <see cref="ReloadAsync"/> swaps in a new snapshot after
/// prices change and raises <see cref="Changed"/>. A snapshot is never modified, so no reader needs a lock.
/// </summary>
/// <remarks>
/// Edits through <see cref="ModelPriceService"/> reload this instance. Other instances sharing the store (DESIGN
/// §11) call <see cref="ReloadIfChangedAsync"/> on a timer; it compares a cheap fingerprint of the table first.
/// </remarks>
public sealed class PriceTableProvider(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private PriceTable _current = PriceTable.Empty;
    private long _version;
    private (int Count, long Id, DateTimeOffset Updated)? _fingerprint;

    /// <summary>Raised after a new snapshot is in place, with that snapshot.</summary>
    public event Action<PriceTable>? Changed;

    /// <summary>The latest snapshot; empty (everything unpriced) until the first load.</summary>
    public PriceTable Current => Volatile.Read(ref _current);

    /// <summary>Reads every price entry and makes the result the current snapshot.</summary>
    public async Task<PriceTable> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var entries = await db.ModelPrices.AsNoTracking().ToListAsync(cancellationToken);
            _fingerprint = Fingerprint(entries);
            var table = new PriceTable(entries, Interlocked.Increment(ref _version));
            Volatile.Write(ref _current, table);
            Changed?.Invoke(table);
            return table;
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Reloads only when the stored entries differ from the snapshot (another instance edited them).</summary>
    public async Task<PriceTable> ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Few rows, read whole: SQLite cannot aggregate the converted date column in SQL.
            var stamps = await db.ModelPrices.AsNoTracking()
                .Select(p => new { p.Id, p.UpdatedAt })
                .ToListAsync(cancellationToken);
            var fingerprint = stamps.Count == 0
                ? (0, 0L, DateTimeOffset.MinValue)
                : (stamps.Count, stamps.Max(s => s.Id), stamps.Max(s => s.UpdatedAt));
            if (fingerprint == _fingerprint)
            {
                return Current;
            }
        }

        return await ReloadAsync(cancellationToken);
    }

    private static (int, long, DateTimeOffset) Fingerprint(List<ModelPrice> entries) => entries.Count == 0
        ? (0, 0L, DateTimeOffset.MinValue)
        : (entries.Count, entries.Max(p => p.Id), entries.Max(p => p.UpdatedAt));
}
