using MathNet.Numerics.LinearAlgebra;

namespace LlmObserve.Core.Drift.Monitors;

/// <summary>Principal component analysis of a small sample of embeddings, for the page's 2-D scatter.</summary>
public static class DriftProjections
{
    /// <summary>
    /// Projects both samples on the first two principal components of the pooled, centred vectors (a thin SVD from
    /// MathNet.Numerics). Null with fewer than 3 vectors in all.
    /// </summary>
    public static DriftProjection? Project(
        IReadOnlyList<(string TraceId, float[] Vector)> reference,
        IReadOnlyList<(string TraceId, float[] Vector)> current)
    {
        var pooled = reference.Select(p => (p.TraceId, p.Vector, Current: false))
            .Concat(current.Select(p => (p.TraceId, p.Vector, Current: true)))
            .ToList();
        if (pooled.Count < 3)
        {
            return null;
        }

        var dimensions = pooled[0].Vector.Length;
        var matrix = Matrix<double>.Build.Dense(pooled.Count, dimensions, (i, j) => pooled[i].Vector[j]);
        for (var j = 0; j < dimensions; j++)
        {
            var column = matrix.Column(j);
            matrix.SetColumn(j, column - column.Average());
        }

        var svd = matrix.Svd(computeVectors: true);
        var components = svd.VT.SubMatrix(0, Math.Min(2, svd.VT.RowCount), 0, dimensions).Transpose();
        var projected = matrix * components;
        var squares = svd.S.Select(s => s * s).ToArray();
        var total = squares.Sum();
        var explained = total > 0 ? squares.Take(2).Sum() / total : 0;
        var points = pooled.Select((p, i) => new DriftProjectionPoint(
                p.TraceId,
                Math.Round(projected[i, 0], 4),
                projected.ColumnCount > 1 ? Math.Round(projected[i, 1], 4) : 0,
                p.Current))
            .ToList();
        return new DriftProjection(points, Math.Round(explained, 4));
    }
}
