namespace LlmObserve.Core.Drift.Statistics;

/// <summary>
/// Evidently's empirical maximum mean discrepancy test for a numerical feature: an RBF kernel whose width comes
/// from the median squared distance within the reference window, the unbiased MMD² estimate, and a p-value
/// from seeded random relabellings of the pooled values (the share of them whose MMD² is at least the one
/// observed). Its cost is quadratic, so each window is first subsampled (seeded) to a cap.
/// </summary>
public static class EmpiricalMmd
{
    /// <summary>Evidently's number of permutations.</summary>
    public const int DefaultPermutations = 100;

    /// <summary>Most values per window that enter the kernel matrix.</summary>
    public const int DefaultMaxPerWindow = 1000;

    public static TestOutcome Test(
        IReadOnlyList<double> reference,
        IReadOnlyList<double> current,
        int permutations = DefaultPermutations,
        int seed = 0,
        int maxPerWindow = DefaultMaxPerWindow)
    {
        var random = new Random(seed);
        var x = Subsample(reference, maxPerWindow, random);
        var y = Subsample(current, maxPerWindow, random);
        if (x.Length < 2 || y.Length < 2)
        {
            throw new ArgumentException("The MMD test needs at least two values in each window.");
        }

        var sigma = MedianSigma(x);
        var gamma = 1.0 / (2 * sigma * sigma);
        var pooled = x.Concat(y).ToArray();
        var n = pooled.Length;
        var kernel = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var d = pooled[i] - pooled[j];
                kernel[i * n + j] = i == j ? 0 : Math.Exp(-gamma * d * d);
            }
        }

        var labels = new bool[n];
        for (var i = x.Length; i < n; i++)
        {
            labels[i] = true;
        }

        var observed = Mmd2(kernel, n, labels, x.Length, y.Length);
        var atLeast = 0;
        var order = Enumerable.Range(0, n).ToArray();
        var shuffled = new bool[n];
        for (var p = 0; p < permutations; p++)
        {
            random.Shuffle(order);
            for (var i = 0; i < n; i++)
            {
                shuffled[order[i]] = labels[i];
            }

            if (observed <= Mmd2(kernel, n, shuffled, x.Length, y.Length))
            {
                atLeast++;
            }
        }

        return new TestOutcome(observed, (double)atLeast / permutations);
    }

    /// <summary>
    /// Half the median squared pairwise distance within the reference (diagonal included, numpy's "nearest"
    /// percentile), square-rooted; sqrt(0.5) when that median is 0.
    /// </summary>
    private static double MedianSigma(double[] x)
    {
        var squared = new double[x.Length * x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            for (var j = 0; j < x.Length; j++)
            {
                var d = x[i] - x[j];
                squared[i * x.Length + j] = d * d;
            }
        }

        Array.Sort(squared);
        var median = squared[(int)Math.Round(0.5 * (squared.Length - 1), MidpointRounding.ToEven)];
        var sigma = Math.Sqrt(0.5 * median);
        return sigma == 0 ? Math.Sqrt(0.5) : sigma;
    }

    private static double Mmd2(double[] kernel, int n, bool[] isCurrent, int nx, int ny)
    {
        double xx = 0, yy = 0, xy = 0;
        for (var i = 0; i < n; i++)
        {
            var row = i * n;
            var iCurrent = isCurrent[i];
            for (var j = 0; j < n; j++)
            {
                var k = kernel[row + j];
                if (iCurrent == isCurrent[j])
                {
                    if (iCurrent)
                    {
                        yy += k;
                    }
                    else
                    {
                        xx += k;
                    }
                }
                else if (iCurrent)
                {
                    xy += k;
                }
            }
        }

        return xx / (nx * (nx - 1.0)) + yy / (ny * (ny - 1.0)) - 2.0 * xy / ((double)nx * ny);
    }

    internal static double[] Subsample(IReadOnlyList<double> values, int cap, Random random)
    {
        if (values.Count <= cap)
        {
            return values.ToArray();
        }

        var copy = values.ToArray();
        random.Shuffle(copy);
        return copy[..cap];
    }
}
