using System.Text;
using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// Inserts spans with one prepared statement per shape: the set of columns a span has values for. An omitted column
/// is NULL, as binding NULL would have made it, and a span fills 15 to 25 of the 56. Shapes are few (one per kind of
/// span and instrumentation); past <see cref="MaxShapes"/> the full-width statement is used.
/// </summary>
/// <remarks>
/// The statements are SQLite's own, prepared on the writer's connection and bound by position. Through
/// <see cref="SqliteCommand"/> every parameter of every row was looked up by name, type-tested and its text copied
/// to a new UTF-8 array; that was about a sixth of the writer thread, the one thread every acknowledgement waits
/// for. Values are stored as Microsoft.Data.Sqlite stores them: text as UTF-8, integers and booleans as INTEGER,
/// doubles as REAL. They run in the connection's current transaction, as any statement on it does.
/// </remarks>
internal sealed class SpanInsertCommands(SqliteConnection connection) : IDisposable
{
    private const int MaxShapes = 64;
    private const ulong AllColumns = ulong.MaxValue;

    private readonly Dictionary<ulong, Shape> _shapes = [];
    private readonly object?[] _values = new object?[SpanRowBinding.Columns.Count];
    private byte[] _text = new byte[4096];

    /// <returns>True when the span was inserted, false when it was stored before.</returns>
    public bool Insert(string projectId, SpanEntity span, long ingestedAtUnixNano)
    {
        var columns = SpanRowBinding.Columns;
        var mask = 0UL;
        for (var i = 0; i < columns.Count; i++)
        {
            var value = columns[i].Value(span);
            _values[i] = value;
            if (value is not null)
            {
                mask |= 1UL << i;
            }
        }

        var shape = ShapeFor(mask);
        var statement = shape.Statement;
        var position = 1;
        Bind(statement, position++, projectId);
        foreach (var column in shape.Columns)
        {
            Bind(statement, position++, _values[column]);
        }

        Check(raw.sqlite3_bind_int64(
            statement,
            position,
            span.IngestedAtUnixNano != 0 ? span.IngestedAtUnixNano : ingestedAtUnixNano));

        var db = connection.Handle!;
        var step = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (step != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(step, db);
        }

        return raw.sqlite3_changes(db) == 1;
    }

    public void Dispose()
    {
        foreach (var shape in _shapes.Values)
        {
            shape.Statement.Dispose();
        }

        _shapes.Clear();
    }

    private void Bind(sqlite3_stmt statement, int position, object? value)
    {
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(statement, position),
            string text => BindText(statement, position, text),
            long number => raw.sqlite3_bind_int64(statement, position, number),
            bool flag => raw.sqlite3_bind_int64(statement, position, flag ? 1 : 0),
            double number => raw.sqlite3_bind_double(statement, position, number),
            _ => throw new InvalidOperationException(
                $"A span column of type {value.GetType().Name} has no binding; SpanRowBinding must list only text, "
                + "integers, booleans and doubles."),
        };
        Check(rc);
    }

    private int BindText(sqlite3_stmt statement, int position, string text)
    {
        // SQLite copies the bytes (SQLITE_TRANSIENT), so one buffer serves every value.
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most > _text.Length)
        {
            _text = new byte[Math.Max(most, _text.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(text, _text);
        return raw.sqlite3_bind_text(statement, position, _text.AsSpan(0, length));
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }

    private Shape ShapeFor(ulong mask)
    {
        if (_shapes.TryGetValue(mask, out var shape))
        {
            return shape;
        }

        if (_shapes.Count >= MaxShapes)
        {
            mask = AllColumns;
            if (_shapes.TryGetValue(mask, out shape))
            {
                return shape;
            }
        }

        var columns = Enumerable.Range(0, SpanRowBinding.Columns.Count)
            .Where(i => (mask & (1UL << i)) != 0)
            .ToArray();
        var sql = WriterSql.InsertSpan(columns.Select(i => SpanRowBinding.Columns[i].Column));
        var rc = raw.sqlite3_prepare_v2(connection.Handle!, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        shape = new Shape(statement ?? throw new InvalidOperationException("SQLite prepared no span insert."), columns);
        _shapes.Add(mask, shape);
        return shape;
    }

    private sealed record Shape(sqlite3_stmt Statement, int[] Columns);
}
