namespace AdaptSeg.Geo.Evaluation;

/// <summary>
/// A class confusion matrix as in the reference <c>compute_iou.py</c>: rows are the reference
/// (ground truth) class, columns the predicted class. Reference values outside 0..n-1 (255 =
/// ignore) are not counted. IoU per class is <c>diag / (row + col - diag)</c>, NaN for a class
/// that appears in neither; mIoU is the mean over the classes that are not NaN (numpy's nanmean).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] counts;

    /// <summary>An empty matrix for <paramref name="classCount"/> classes.</summary>
    public ConfusionMatrix(int classCount)
    {
        if (classCount is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The class count must be between 1 and 255 (255 is the ignore value).");
        }

        ClassCount = classCount;
        counts = new long[classCount * classCount];
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Pixels whose reference class was valid but whose prediction was not (nodata); not in the matrix.</summary>
    public long UnpredictedPixels { get; private set; }

    /// <summary>Count of pixels with reference class <paramref name="reference"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int reference, int predicted] => counts[reference * ClassCount + predicted];

    /// <summary>Total pixels counted.</summary>
    public long Total => counts.Sum();

    /// <summary>Adds pixel pairs. Reference values outside 0..n-1 are ignored.</summary>
    public void Add(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> prediction)
    {
        if (reference.Length != prediction.Length)
        {
            throw new ArgumentException($"Reference has {reference.Length} pixels, prediction {prediction.Length}.", nameof(prediction));
        }

        int n = ClassCount;
        for (int i = 0; i < reference.Length; i++)
        {
            int r = reference[i];
            if (r >= n)
            {
                continue;
            }

            int p = prediction[i];
            if (p >= n)
            {
                UnpredictedPixels++;
                continue;
            }

            counts[r * n + p]++;
        }
    }

    /// <summary>Adds a flattened n*n histogram (row-major, rows = reference), for example from a GPU bincount.</summary>
    public void AddHistogram(ReadOnlySpan<long> histogram)
    {
        if (histogram.Length != counts.Length)
        {
            throw new ArgumentException($"Expected {counts.Length} counts ({ClassCount}x{ClassCount}), got {histogram.Length}.", nameof(histogram));
        }

        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] += histogram[i];
        }
    }

    /// <summary>Adds another matrix of the same size (for merging per-thread matrices).</summary>
    public void Add(ConfusionMatrix other)
    {
        if (other.ClassCount != ClassCount)
        {
            throw new ArgumentException($"Cannot merge a {other.ClassCount}-class matrix into a {ClassCount}-class one.", nameof(other));
        }

        AddHistogram(other.counts);
        UnpredictedPixels += other.UnpredictedPixels;
    }

    /// <summary>Reference pixels of class c (row sum).</summary>
    public long ReferenceCount(int c) => Enumerable.Range(0, ClassCount).Sum(p => this[c, p]);

    /// <summary>Predicted pixels of class c (column sum).</summary>
    public long PredictedCount(int c) => Enumerable.Range(0, ClassCount).Sum(r => this[r, c]);

    /// <summary>Intersection over union per class; NaN for a class absent from both.</summary>
    public double[] IoU() => Enumerable.Range(0, ClassCount)
        .Select(c => Ratio(this[c, c], ReferenceCount(c) + PredictedCount(c) - this[c, c]))
        .ToArray();

    /// <summary>Precision per class (diag / column sum); NaN when never predicted.</summary>
    public double[] Precision() => Enumerable.Range(0, ClassCount).Select(c => Ratio(this[c, c], PredictedCount(c))).ToArray();

    /// <summary>Recall per class (diag / row sum); NaN when absent from the reference.</summary>
    public double[] Recall() => Enumerable.Range(0, ClassCount).Select(c => Ratio(this[c, c], ReferenceCount(c))).ToArray();

    /// <summary>F1 per class.</summary>
    public double[] F1()
    {
        double[] p = Precision();
        double[] r = Recall();
        return p.Zip(r, (pc, rc) => Ratio(2 * pc * rc, pc + rc)).ToArray();
    }

    /// <summary>Share of counted pixels predicted correctly.</summary>
    public double PixelAccuracy() => Ratio(Enumerable.Range(0, ClassCount).Sum(c => this[c, c]), Total);

    /// <summary>Mean IoU over the classes whose IoU is defined (nanmean), as a fraction 0..1.</summary>
    public double MeanIoU() => NanMean(IoU());

    /// <summary>numpy's nanmean: the mean of the non-NaN values, NaN when there are none.</summary>
    public static double NanMean(IEnumerable<double> values)
    {
        var defined = values.Where(v => !double.IsNaN(v)).ToList();
        return defined.Count == 0 ? double.NaN : defined.Average();
    }

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? double.NaN : numerator / denominator;
}
