using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Hands every row on to the class mask and counts its pixels per class as they stream past, so a
/// prediction can say how the mask it wrote shares the classes (nodata, 255, is not counted) without
/// reading the mask again.
/// </summary>
public sealed class ClassCountingSink : IPredictionSink
{
    private readonly IPredictionSink inner;
    private readonly long[] counts;

    /// <summary>Counts <paramref name="classCount"/> classes (0..classCount-1) of the rows passed to <paramref name="inner"/>.</summary>
    public ClassCountingSink(IPredictionSink inner, int classCount)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 255);
        this.inner = inner;
        counts = new long[classCount];
    }

    /// <summary>Pixels of each class written so far, in label order.</summary>
    public IReadOnlyList<long> Counts => [.. counts];

    /// <inheritdoc />
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classes, ReadOnlySpan<float> probabilities)
    {
        inner.WriteRows(firstRow, rowCount, classes, probabilities);
        Span<long> histogram = stackalloc long[256];
        foreach (byte c in classes)
        {
            histogram[c]++;
        }

        for (int c = 0; c < counts.Length; c++)
        {
            counts[c] += histogram[c];
        }
    }
}
