namespace AdaptSeg.Geo.Inference;

/// <summary>
/// The pure math of class-balanced pseudo-labels (FDA's <c>getSudoLabel_multi.py</c>, after BDL):
/// per class, the max-probabilities of the pixels whose argmax is that class, sorted ascending;
/// the threshold is the value at index round-half-to-even(portion x n), clamped to n - 1, 0 for an
/// absent class, capped at <c>cap</c>; a pixel strictly below its class's threshold is ignored (255).
/// </summary>
public static class ClassBalancedThresholds
{
    /// <summary>The ignore value of pseudo-label rasters.</summary>
    public const byte Ignore = 255;

    /// <summary>FDA's portion (0.66): the threshold keeps the most confident third of each class.</summary>
    public const double DefaultPortion = 0.66;

    /// <summary>FDA's cap (0.9): no class needs more confidence than this.</summary>
    public const double DefaultCap = 0.9;

    /// <summary>The 0-based index of the threshold among <paramref name="count"/> sorted values.</summary>
    public static long QuantileIndex(long count, double portion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        CheckPortion(portion);
        long index = (long)Math.Round(count * portion, MidpointRounding.ToEven);
        return Math.Clamp(index, 0, count - 1);
    }

    /// <summary>Caps <paramref name="value"/> at <paramref name="cap"/>.</summary>
    public static double Capped(double value, double cap) => value > cap ? cap : value;

    /// <summary>
    /// Thresholds from whole arrays (exact): <paramref name="labels"/> holds argmax classes (255 = no
    /// prediction, skipped), <paramref name="maxProbabilities"/> their max-probabilities.
    /// </summary>
    public static double[] Compute(ReadOnlySpan<byte> labels, ReadOnlySpan<double> maxProbabilities, int classes,
        double portion = DefaultPortion, double cap = DefaultCap)
    {
        if (labels.Length != maxProbabilities.Length)
        {
            throw new ArgumentException($"{labels.Length} labels but {maxProbabilities.Length} probabilities; give one probability per pixel.", nameof(maxProbabilities));
        }

        var accumulator = new ClassThresholdAccumulator(classes, ThresholdMethod.Exact, labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            accumulator.Add(labels[i], maxProbabilities[i]);
        }

        return accumulator.Thresholds(portion, cap);
    }

    /// <summary>
    /// Sets pixels strictly below their class's threshold to 255, in place; returns how many it set.
    /// Pixels already 255 stay 255 and are not counted.
    /// </summary>
    public static int Apply(Span<byte> labels, ReadOnlySpan<double> maxProbabilities, IReadOnlyList<double> thresholds)
    {
        int ignored = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            byte c = labels[i];
            if (c != Ignore && maxProbabilities[i] < thresholds[c])
            {
                labels[i] = Ignore;
                ignored++;
            }
        }

        return ignored;
    }

    /// <summary>As <see cref="Apply(Span{byte}, ReadOnlySpan{double}, IReadOnlyList{double})"/> for float32 probabilities.</summary>
    public static int Apply(Span<byte> labels, ReadOnlySpan<float> maxProbabilities, IReadOnlyList<double> thresholds)
    {
        int ignored = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            byte c = labels[i];
            if (c != Ignore && maxProbabilities[i] < thresholds[c])
            {
                labels[i] = Ignore;
                ignored++;
            }
        }

        return ignored;
    }

    internal static void CheckPortion(double portion)
    {
        if (!(portion >= 0 && portion <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(portion), portion, "The portion must lie in [0, 1] (FDA uses 0.66).");
        }
    }
}
