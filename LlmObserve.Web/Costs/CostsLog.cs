namespace LlmObserve.Web.Costs;

/// <summary>Log events of the price table (ids 1200–1219).</summary>
internal static partial class CostsLog
{
    [LoggerMessage(
        EventId = 1200,
        Level = LogLevel.Information,
        Message = "Built-in model prices: {Added} added, {Updated} updated, {LeftAlone} left as people edited them")]
    public static partial void Seeded(ILogger logger, int added, int updated, int leftAlone);

    [LoggerMessage(
        EventId = 1201,
        Level = LogLevel.Warning,
        Message = "A built-in model price was not added because an entry people made covers it: {Conflict}")]
    public static partial void SeedConflict(ILogger logger, string conflict);

    [LoggerMessage(
        EventId = 1202,
        Level = LogLevel.Warning,
        Message = "A stored model price cannot be used and prices nothing: {Problem}")]
    public static partial void UnusablePrice(ILogger logger, string problem);

    [LoggerMessage(
        EventId = 1203,
        Level = LogLevel.Information,
        Message = "Model price entry {Id} saved from Settings ({Mode})")]
    public static partial void PriceSaved(ILogger logger, long id, PriceFormMode mode);

    [LoggerMessage(
        EventId = 1204,
        Level = LogLevel.Information,
        Message = "Model price entry {Id} deleted from Settings")]
    public static partial void PriceDeleted(ILogger logger, long id);

    [LoggerMessage(
        EventId = 1205,
        Level = LogLevel.Error,
        Message = "A model price entry could not be stored (reference {Reference})")]
    public static partial void PriceSaveFailed(ILogger logger, Exception exception, string reference);
}
