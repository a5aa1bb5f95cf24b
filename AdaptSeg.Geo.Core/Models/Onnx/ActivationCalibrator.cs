using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// Measures the range of activation tensors of a float graph on calibration tiles, with ONNX
/// Runtime: the tensors are added as graph outputs of a copy whose input size is symbolic, and each
/// tile is run alone (batch 1), so memory holds one tile's activations at a time.
/// </summary>
public static class ActivationCalibrator
{
    /// <summary>Bins of the histogram <see cref="CalibrationMethod.Percentile"/> reads its percentiles from.</summary>
    public const int HistogramBins = 2048;

    /// <summary>
    /// The range of each of <paramref name="tensors"/> (distinct names) over <paramref name="tiles"/>: one pass for the
    /// minimum and maximum, and for <see cref="CalibrationMethod.Percentile"/> a second that fills a
    /// histogram between them and reads the percentiles from it.
    /// </summary>
    public static IReadOnlyDictionary<string, ActivationRange> Calibrate(
        ModelProto floatModel, IReadOnlyList<string> tensors, CalibrationSet tiles, CalibrationOptions options,
        IProgress<OnnxExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (tiles.Tiles.Count == 0)
        {
            throw new ArgumentException("No calibration tiles were given.", nameof(tiles));
        }

        string input = floatModel.Graph.Input[0].Name;
        // The graph input's values are the tiles themselves; every other tensor is fetched.
        string[] fetched = tensors.Where(t => t != input).ToArray();
        byte[] calibrationGraph = CalibrationGraph(floatModel, fetched).ToByteArray();
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(calibrationGraph, sessionOptions);
        using var runOptions = new RunOptions();

        var min = tensors.ToDictionary(t => t, _ => float.PositiveInfinity, StringComparer.Ordinal);
        var max = tensors.ToDictionary(t => t, _ => float.NegativeInfinity, StringComparer.Ordinal);
        Pass("calibration: ranges", (name, values) =>
        {
            var (lo, hi) = MinMax(values);
            lock (min)
            {
                min[name] = float.IsNaN(lo) || float.IsNaN(min[name]) ? float.NaN : Math.Min(min[name], lo);
                max[name] = float.IsNaN(hi) || float.IsNaN(max[name]) ? float.NaN : Math.Max(max[name], hi);
            }
        });

        string? bad = tensors.FirstOrDefault(t => !float.IsFinite(min[t]) || !float.IsFinite(max[t]));
        if (bad is not null)
        {
            throw new InvalidDataException($"The float network gives non-finite values in '{bad}' on the calibration tiles; the model or its band statistics are broken, so it cannot be quantised.");
        }

        if (options.Method == CalibrationMethod.MinMax)
        {
            return tensors.ToDictionary(t => t, t => new ActivationRange(min[t], max[t]), StringComparer.Ordinal);
        }

        var histograms = tensors.ToDictionary(t => t, _ => new long[HistogramBins], StringComparer.Ordinal);
        Pass("calibration: histograms", (name, values) =>
        {
            long[] histogram = histograms[name];
            lock (histogram)
            {
                Fill(histogram, values, min[name], max[name]);
            }
        });

        return tensors.ToDictionary(t => t, t => FromHistogram(histograms[t], min[t], max[t], options.Percentile), StringComparer.Ordinal);

        void Pass(string stage, Action<string, ReadOnlySpan<float>> observe)
        {
            long[] shape = [1, tiles.Bands, tiles.Size, tiles.Size];
            for (int i = 0; i < tiles.Tiles.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                float[] tile = tiles.Tiles[i];
                if (tensors.Contains(input))
                {
                    observe(input, tile);
                }

                using var value = OrtValue.CreateTensorValueFromMemory(tile, shape);
                using var outputs = session.Run(runOptions, [input], [value], fetched);
                Parallel.For(0, fetched.Length, new ParallelOptions { CancellationToken = cancellationToken }, k =>
                    observe(fetched[k], outputs[k].GetTensorDataAsSpan<float>()));
                progress?.Report(new OnnxExportProgress(stage, i + 1, tiles.Tiles.Count));
            }
        }
    }

    /// <summary>
    /// The range keeping <paramref name="percentile"/> % of the values at the top and as many at the
    /// bottom: the lower edge of the bin where the lower tail ends, the upper edge of the bin where
    /// the upper tail starts (so the range errs on the wide side by at most one bin).
    /// </summary>
    public static ActivationRange FromHistogram(long[] histogram, float min, float max, double percentile)
    {
        long total = histogram.Sum();
        if (total == 0 || max <= min)
        {
            return new ActivationRange(min, max);
        }

        double tail = total * (100 - percentile) / 100;
        double width = ((double)max - min) / histogram.Length;
        int low = 0;
        for (long below = 0; low < histogram.Length - 1 && below + histogram[low] <= tail; low++)
        {
            below += histogram[low];
        }

        int high = histogram.Length - 1;
        for (long above = 0; high > low && above + histogram[high] <= tail; high--)
        {
            above += histogram[high];
        }

        return new ActivationRange((float)(min + (low * width)), (float)(min + ((high + 1) * width)));
    }

    /// <summary>Counts <paramref name="values"/> into <paramref name="histogram"/>'s equal bins between <paramref name="min"/> and <paramref name="max"/> (values outside go to the end bins).</summary>
    public static void Fill(long[] histogram, ReadOnlySpan<float> values, float min, float max)
    {
        int last = histogram.Length - 1;
        double perUnit = max > min ? histogram.Length / ((double)max - min) : 0;
        foreach (float v in values)
        {
            int bin = (int)((v - min) * perUnit);
            histogram[bin < 0 ? 0 : bin > last ? last : bin]++;
        }
    }

    /// <summary>The lowest and highest value; NaN for both when any value is NaN.</summary>
    private static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                return (float.NaN, float.NaN);
            }

            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        return (lo, hi);
    }

    /// <summary>A copy of the graph with symbolic input height and width and <paramref name="tensors"/> as extra outputs.</summary>
    private static ModelProto CalibrationGraph(ModelProto floatModel, IReadOnlyList<string> tensors)
    {
        ModelProto model = floatModel.Clone();
        foreach (ValueInfoProto value in model.Graph.Input.Concat(model.Graph.Output))
        {
            var dims = value.Type.TensorType.Shape.Dim;
            if (dims.Count == 4)
            {
                dims[2] = new TensorShapeProto.Types.Dimension { DimParam = "height" };
                dims[3] = new TensorShapeProto.Types.Dimension { DimParam = "width" };
            }
        }

        var existing = model.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string tensor in tensors.Where(t => !existing.Contains(t)))
        {
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        return model;
    }
}
