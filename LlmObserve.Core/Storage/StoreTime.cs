using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LlmObserve.Core.Storage;

/// <summary>
/// Times as the store's columns hold them (see <see cref="LlmObserveDbContext"/>), for commands written by hand.
/// </summary>
internal static class StoreTime
{
    private static readonly DateTimeOffsetToBinaryConverter Converter = new();

    public static long ToStore(DateTimeOffset value) => (long)Converter.ConvertToProvider(value)!;

    public static DateTimeOffset FromStore(long value) => (DateTimeOffset)Converter.ConvertFromProvider(value)!;
}
