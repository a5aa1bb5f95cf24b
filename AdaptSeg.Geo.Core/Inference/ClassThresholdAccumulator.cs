namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Collects (argmax class, max-probability) pairs of a scene, streamed in any order, and gives the
/// class-balanced thresholds of <see cref="ClassBalancedThresholds"/>. <see cref="ThresholdMethod.Exact"/>
/// keeps every value (8 bytes each, refusing more than its capacity, plus a copy of one class while
/// sorting); <see cref="ThresholdMethod.Histogram"/> keeps <see cref="HistogramBins"/> counters per class.
/// </summary>
public sealed class ClassThresholdAccumulator
{
    /// <summary>Histogram bins over [0, 1]: a resolution of 1/65536 (1.5e-5).</summary>
    public const int HistogramBins = 1 << 16;

    private const int ChunkLength = 1 << 14;

    private readonly int classes;
    private readonly long capacity;
    private readonly long[] counts;
    private readonly List<double[]>[]? values;
    private readonly long[][]? histogram;
    private long total;

    /// <param name="classes">Number of classes (1..255; 255 is the ignore value).</param>
    /// <param name="method">Exact or histogram.</param>
    /// <param name="capacity">For <see cref="ThresholdMethod.Exact"/>: the most values it accepts (its memory bound).</param>
    public ClassThresholdAccumulator(int classes, ThresholdMethod method, long capacity = long.MaxValue)
    {
        if (classes is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "The class count must be 1..255 (255 is the ignore value).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        this.classes = classes;
        this.capacity = capacity;
        Method = method;
        counts = new long[classes];
        if (method == ThresholdMethod.Exact)
        {
            values = [.. Enumerable.Range(0, classes).Select(_ => new List<double[]>())];
        }
        else
        {
            histogram = [.. Enumerable.Range(0, classes).Select(_ => new long[HistogramBins])];
        }
    }

    /// <summary>The method in use.</summary>
    public ThresholdMethod Method { get; }

    /// <summary>Pixels seen per class (by argmax).</summary>
    public IReadOnlyList<long> Counts => counts;

    /// <summary>Adds one pixel; class 255 (no prediction) is skipped.</summary>
    public void Add(byte label, double maxProbability)
    {
        if (label == ClassBalancedThresholds.Ignore)
        {
            return;
        }

        if (label >= classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Class {label} is outside the {classes} classes.");
        }

        long n = counts[label];
        if (values is not null)
        {
            if (total >= capacity)
            {
                throw new InvalidOperationException($"More than {capacity} pixels for the exact thresholds; use {nameof(ThresholdMethod.Histogram)} for scenes this large.");
            }

            List<double[]> chunks = values[label];
            if (n % ChunkLength == 0)
            {
                chunks.Add(new double[ChunkLength]);
            }

            chunks[^1][n % ChunkLength] = maxProbability;
        }
        else
        {
            double clamped = Math.Clamp(maxProbability, 0.0, 1.0);
            int bin = Math.Min((int)(clamped * HistogramBins), HistogramBins - 1);
            histogram![label][bin]++;
        }

        counts[label] = n + 1;
        total++;
    }

    /// <summary>The threshold of every class (0 for a class no pixel has), capped at <paramref name="cap"/>.</summary>
    public double[] Thresholds(double portion = ClassBalancedThresholds.DefaultPortion, double cap = ClassBalancedThresholds.DefaultCap)
    {
        ClassBalancedThresholds.CheckPortion(portion);
        var thresholds = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            long n = counts[c];
            if (n == 0)
            {
                continue;
            }

            long k = ClassBalancedThresholds.QuantileIndex(n, portion);
            double value = values is not null ? ExactValue(values[c], n, k) : HistogramValue(histogram![c], k);
            thresholds[c] = ClassBalancedThresholds.Capped(value, cap);
        }

        return thresholds;
    }

    private static double ExactValue(List<double[]> chunks, long n, long k)
    {
        var all = new double[n];
        for (int i = 0; i < chunks.Count; i++)
        {
            int length = (int)Math.Min(ChunkLength, n - (long)i * ChunkLength);
            Array.Copy(chunks[i], 0, all, (long)i * ChunkLength, length);
        }

        Array.Sort(all);
        return all[k];
    }

    /// <summary>The centre of the bin holding the k-th smallest value.</summary>
    private static double HistogramValue(long[] bins, long k)
    {
        long seen = 0;
        for (int b = 0; b < bins.Length; b++)
        {
            seen += bins[b];
            if (seen > k)
            {
                return (b + 0.5) / HistogramBins;
            }
        }

        return 1.0;
    }
}
