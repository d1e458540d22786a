using LlmObserve.Core.Traces;
using Microsoft.Data.Sqlite;

namespace LlmObserve.Core.Ingestion.Writer;

/// <summary>
/// Inserts spans with one prepared command per shape: the set of columns a span has values for. Microsoft.Data.Sqlite
/// looks every parameter up by name on each execution, and binding all 56 columns took about a sixth of the writer's
/// time while a span fills 15 to 25 of them; an omitted column is NULL, as the binding would have made it. Shapes are
/// few (one per kind of span and instrumentation); past <see cref="MaxShapes"/> the full-width command is used.
/// </summary>
internal sealed class SpanInsertCommands(SqliteConnection connection) : IDisposable
{
    private const int MaxShapes = 64;
    private const ulong AllColumns = ulong.MaxValue;

    private readonly Dictionary<ulong, Shape> _shapes = [];
    private readonly object?[] _values = new object?[SpanRowBinding.Columns.Count];
    private SqliteTransaction? _transaction;

    public void Enlist(SqliteTransaction? transaction)
    {
        _transaction = transaction;
        foreach (var shape in _shapes.Values)
        {
            shape.Command.Transaction = transaction;
        }
    }

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
        shape.Project.Value = projectId;
        shape.IngestedAt.Value = span.IngestedAtUnixNano != 0 ? span.IngestedAtUnixNano : ingestedAtUnixNano;
        for (var i = 0; i < shape.Columns.Length; i++)
        {
            shape.Values[i].Value = _values[shape.Columns[i]] ?? DBNull.Value;
        }

        return shape.Command.ExecuteNonQuery() == 1;
    }

    public void Dispose()
    {
        foreach (var shape in _shapes.Values)
        {
            shape.Command.Dispose();
        }

        _shapes.Clear();
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
        var names = columns.Select(i => SpanRowBinding.Columns[i].Column).ToList();
        var command = connection.CreateCommand();
        command.CommandText = WriterSql.InsertSpan(names);
        command.Transaction = _transaction;
        var project = command.Parameters.Add(new SqliteParameter("$" + SpanRowBinding.ProjectIdColumn, null));
        var values = names.Select(n => command.Parameters.Add(new SqliteParameter("$" + n, null))).ToArray();
        var ingestedAt = command.Parameters.Add(new SqliteParameter("$" + SpanRowBinding.IngestedAtColumn, null));
        command.Prepare();

        shape = new Shape(command, columns, project, values, ingestedAt);
        _shapes.Add(mask, shape);
        return shape;
    }

    private sealed record Shape(
        SqliteCommand Command,
        int[] Columns,
        SqliteParameter Project,
        SqliteParameter[] Values,
        SqliteParameter IngestedAt);
}
