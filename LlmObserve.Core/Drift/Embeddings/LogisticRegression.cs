namespace LlmObserve.Core.Drift.Embeddings;

/// <summary>
/// A small L2-regularised logistic regression trained by full-batch gradient descent with Adam steps: enough to
/// tell two windows of embeddings apart, with no dependency beyond this file.
/// </summary>
internal sealed class LogisticRegression
{
    public const int Epochs = 150;
    public const double LearningRate = 0.05;
    public const double L2 = 1e-3;

    private readonly double[] _weights;
    private readonly double _bias;

    private LogisticRegression(double[] weights, double bias)
    {
        _weights = weights;
        _bias = bias;
    }

    public double Probability(float[] x)
    {
        var z = _bias;
        for (var i = 0; i < _weights.Length; i++)
        {
            z += _weights[i] * x[i];
        }

        return 1 / (1 + Math.Exp(-z));
    }

    public static LogisticRegression Train((float[] X, bool Positive)[] examples, int dimensions, Random random)
    {
        random.Shuffle(examples);
        var w = new double[dimensions];
        var m = new double[dimensions + 1];
        var v = new double[dimensions + 1];
        var gradient = new double[dimensions + 1];
        double b = 0, beta1 = 0.9, beta2 = 0.999;
        var model = new LogisticRegression(w, 0);
        for (var epoch = 1; epoch <= Epochs; epoch++)
        {
            Array.Clear(gradient);
            foreach (var (x, positive) in examples)
            {
                var z = b;
                for (var i = 0; i < dimensions; i++)
                {
                    z += w[i] * x[i];
                }

                var error = 1 / (1 + Math.Exp(-z)) - (positive ? 1 : 0);
                for (var i = 0; i < dimensions; i++)
                {
                    gradient[i] += error * x[i];
                }

                gradient[dimensions] += error;
            }

            var correction1 = 1 - Math.Pow(beta1, epoch);
            var correction2 = 1 - Math.Pow(beta2, epoch);
            for (var i = 0; i <= dimensions; i++)
            {
                var g = gradient[i] / examples.Length + (i < dimensions ? L2 * w[i] : 0);
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                var step = LearningRate * (m[i] / correction1) / (Math.Sqrt(v[i] / correction2) + 1e-8);
                if (i < dimensions)
                {
                    w[i] -= step;
                }
                else
                {
                    b -= step;
                }
            }

            model = new LogisticRegression(w, b);
        }

        return model;
    }
}
