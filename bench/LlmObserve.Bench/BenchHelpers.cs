using Microsoft.Data.Sqlite;

namespace LlmObserve.Bench;

/// <summary>What the benchmarks that fill a store and time queries share: percentiles, ids and plain SQL.</summary>
internal static class BenchHelpers
{
    /// <summary>The nearest-rank percentile of <paramref name="values"/> (which it does not reorder).</summary>
    public static double Percentile(IReadOnlyCollection<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }

    public static string RandomHex(Random random, int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    /// <summary>Adds one parameter per name to <paramref name="command"/>, for binding by position.</summary>
    public static SqliteParameter[] Parameters(SqliteCommand command, params string[] names)
        => [.. names.Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n }))];

    public static void Bind(SqliteParameter[] parameters, params object?[] values)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
