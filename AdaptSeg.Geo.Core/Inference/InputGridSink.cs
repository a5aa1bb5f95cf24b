using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Takes blended rows on the model grid (the input resampled to the model's pixel size from the
/// same top-left corner) and hands rows on the input's grid to the next sink: each input pixel's
/// probabilities are the bilinear interpolation (pixel centres, edges clamped) of the model-grid
/// pixels around it, over those that hold a prediction; the class is their argmax (first class wins
/// ties). A pixel that is nodata in any selected input band, or has no predicted neighbour, is 255.
/// Streams: only the last model row of a run is kept for the next one.
/// </summary>
public sealed class InputGridSink : IPredictionSink, IDisposable
{
    private readonly IPredictionSink next;
    private readonly GdalDataset input;
    private readonly int[] bands;
    private readonly double?[] noData;
    private readonly int width;
    private readonly int height;
    private readonly int modelWidth;
    private readonly int modelHeight;
    private readonly double scaleY;
    private readonly int classes;
    private readonly int[] j0;
    private readonly int[] j1;
    private readonly float[] tx;
    private readonly float[] previous;
    private readonly byte[] previousClasses;
    private int previousRow = -1;
    private int nextRow;
    private float[] raw = [];
    private byte[] outClasses = [];
    private float[] outProbabilities = [];

    /// <summary>Resamples rows of a <paramref name="modelWidth"/> x <paramref name="modelHeight"/> model grid for <paramref name="next"/>; <paramref name="scaleX"/>, <paramref name="scaleY"/> = input pixel / model pixel.</summary>
    public InputGridSink(IPredictionSink next, string inputPath, IReadOnlyList<int> bands, int width, int height, int modelWidth, int modelHeight, double scaleX, double scaleY, int classes)
    {
        this.next = next;
        input = GdalDataset.Open(inputPath);
        this.bands = [.. bands];
        noData = [.. this.bands.Select(input.GetNoData)];
        this.width = width;
        this.height = height;
        this.modelWidth = modelWidth;
        this.modelHeight = modelHeight;
        this.scaleY = scaleY;
        this.classes = classes;
        j0 = new int[width];
        j1 = new int[width];
        tx = new float[width];
        for (int x = 0; x < width; x++)
        {
            (j0[x], j1[x], tx[x]) = Map(x, scaleX, modelWidth);
        }

        previous = new float[classes * modelWidth];
        previousClasses = new byte[modelWidth];
    }

    /// <summary>Rows handed on so far.</summary>
    public int RowsWritten => nextRow;

    /// <summary>
    /// Model pixels <c>i0</c>, <c>i1</c> and weight <c>t</c> of <c>i1</c> for input pixel <paramref name="index"/>:
    /// its centre at <c>(index + 0.5) * scale</c> model pixels, clamped to the outer pixel centres.
    /// </summary>
    public static (int I0, int I1, float T) Map(int index, double scale, int modelLength)
    {
        double s = (index + 0.5) * scale - 0.5;
        if (s <= 0)
        {
            return (0, 0, 0f);
        }

        if (s >= modelLength - 1)
        {
            return (modelLength - 1, modelLength - 1, 0f);
        }

        int i0 = (int)Math.Floor(s);
        return (i0, i0 + 1, (float)(s - i0));
    }

    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classIndices, ReadOnlySpan<float> probabilities)
    {
        int last = firstRow + rowCount - 1;
        int count = 0;
        while (nextRow + count < height && Map(nextRow + count, scaleY, modelHeight).I1 <= last)
        {
            count++;
        }

        if (count > 0)
        {
            Emit(count, firstRow, classIndices, probabilities);
        }

        // Keep the last model row: the next input row may sit between it and the next run's first.
        probabilities.Slice((rowCount - 1) * classes * modelWidth, classes * modelWidth).CopyTo(previous);
        classIndices.Slice((rowCount - 1) * modelWidth, modelWidth).CopyTo(previousClasses);
        previousRow = last;
    }

    public void Dispose() => input.Dispose();

    private void Emit(int count, int firstRow, ReadOnlySpan<byte> classIndices, ReadOnlySpan<float> probabilities)
    {
        int area = count * width;
        if (outClasses.Length < area)
        {
            outClasses = new byte[area];
            outProbabilities = new float[area * classes];
            raw = new float[area];
        }

        Span<byte> cls = outClasses.AsSpan(0, area);
        Span<float> prob = outProbabilities.AsSpan(0, area * classes);
        ReadValidity(nextRow, count, cls);
        for (int r = 0; r < count; r++)
        {
            (int i0, int i1, float ty) = Map(nextRow + r, scaleY, modelHeight);
            ReadOnlySpan<float> p0 = Row(i0, firstRow, classIndices, probabilities, out ReadOnlySpan<byte> c0);
            ReadOnlySpan<float> p1 = Row(i1, firstRow, classIndices, probabilities, out ReadOnlySpan<byte> c1);
            for (int x = 0; x < width; x++)
            {
                int o = r * width + x;
                if (cls[o] == ClassBalancedThresholds.Ignore)
                {
                    for (int c = 0; c < classes; c++)
                    {
                        prob[(r * classes + c) * width + x] = 0f;
                    }

                    continue;
                }

                int a = j0[x], b = j1[x];
                float t = tx[x];
                float w00 = c0[a] != SlidingWindowPredictor.NoData ? (1 - ty) * (1 - t) : 0f;
                float w01 = c0[b] != SlidingWindowPredictor.NoData ? (1 - ty) * t : 0f;
                float w10 = c1[a] != SlidingWindowPredictor.NoData ? ty * (1 - t) : 0f;
                float w11 = c1[b] != SlidingWindowPredictor.NoData ? ty * t : 0f;
                float total = w00 + w01 + w10 + w11;
                if (!(total > 0))
                {
                    cls[o] = SlidingWindowPredictor.NoData;
                    continue;
                }

                float inverse = 1f / total;
                byte best = 0;
                float bestValue = float.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    int row0 = c * modelWidth;
                    float v = (w00 * p0[row0 + a] + w01 * p0[row0 + b] + w10 * p1[row0 + a] + w11 * p1[row0 + b]) * inverse;
                    prob[(r * classes + c) * width + x] = v;
                    if (v > bestValue)
                    {
                        bestValue = v;
                        best = (byte)c;
                    }
                }

                cls[o] = best;
            }
        }

        next.WriteRows(nextRow, count, cls, prob);
        nextRow += count;
    }

    /// <summary>Model row <paramref name="row"/>: the kept previous row or one of the current run.</summary>
    private ReadOnlySpan<float> Row(int row, int firstRow, ReadOnlySpan<byte> classIndices, ReadOnlySpan<float> probabilities, out ReadOnlySpan<byte> rowClasses)
    {
        if (row == previousRow && row < firstRow)
        {
            rowClasses = previousClasses;
            return previous;
        }

        int k = row - firstRow;
        if (k < 0)
        {
            throw new InvalidOperationException($"Model row {row} is no longer available (rows arrive from {firstRow}); rows must arrive top to bottom.");
        }

        rowClasses = classIndices.Slice(k * modelWidth, modelWidth);
        return probabilities.Slice(k * classes * modelWidth, classes * modelWidth);
    }

    /// <summary>Marks input pixels that are nodata (or NaN) in any selected band with 255, others 0.</summary>
    private void ReadValidity(int first, int count, Span<byte> cls)
    {
        cls.Clear();
        var window = new PixelWindow(0, first, width, count);
        Span<float> values = raw.AsSpan(0, count * width);
        for (int b = 0; b < bands.Length; b++)
        {
            input.Read(bands[b], window, values);
            bool hasNoData = noData[b] is double d && !double.IsNaN(d);
            float nd = hasNoData ? (float)noData[b]!.Value : float.NaN;
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsNaN(values[i]) || (hasNoData && values[i] == nd))
                {
                    cls[i] = SlidingWindowPredictor.NoData;
                }
            }
        }
    }
}
