using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Class-balanced pseudo-labels for a target scene (the entry point of <c>adaptseg pseudo-label</c>):
/// the softmax of one or more models averaged over the whole scene with the same tiling, blending and
/// model-grid handling as prediction (streaming), then per-class thresholds
/// (<see cref="ClassBalancedThresholds"/>) and a uint8 GeoTIFF with 255 = ignore.
/// Two passes: the first streams the argmax and max-probability of every pixel into a hidden
/// float32 staging file next to the output and feeds the threshold accumulator; the second reads the
/// staging file back in row blocks and writes the thresholded labels. The output appears under its
/// name only when complete; the staging file is always deleted.
/// </summary>
public static class PseudoLabelGeneration
{
    private const int RowBlock = 256;

    /// <summary>Loads the models in <paramref name="options"/> and labels the scene.</summary>
    public static PseudoLabelResult Run(PseudoLabelOptions options, IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var models = new List<ModelTilePredictor>();
        try
        {
            foreach (string checkpoint in options.Checkpoints)
            {
                cancellationToken.ThrowIfCancellationRequested();
                models.Add(ModelTilePredictor.Load(checkpoint, options.Device));
            }

            ModelDescription first = models[0].Description;
            var warnings = new List<string>();
            foreach (ModelTilePredictor model in models.Skip(1))
            {
                if (!model.Description.Classes.SequenceEqual(first.Classes, StringComparer.Ordinal))
                {
                    throw new ArgumentException(
                        $"'{model.Path}' predicts the classes {string.Join(",", model.Description.Classes)} but '{models[0].Path}' predicts {string.Join(",", first.Classes)}; average only models trained on the same classes.");
                }

                if (model.Description.TrainingGrid != first.TrainingGrid)
                {
                    warnings.Add($"'{model.Path}' was trained on another grid than '{models[0].Path}'; all are run on the grid of the first.");
                }
            }

            var ensemble = new EnsembleTilePredictor(models);
            PseudoLabelResult result = Run(options, ensemble, first.Classes, first.TrainingGrid, progress, cancellationToken);
            return result with { Warnings = [.. warnings, .. result.Warnings] };
        }
        finally
        {
            foreach (ModelTilePredictor model in models)
            {
                model.Dispose();
            }
        }
    }

    /// <summary>
    /// Labels the scene with <paramref name="predictor"/> (its <see cref="PseudoLabelOptions.Checkpoints"/>
    /// are then only recorded in the metadata), trained on <paramref name="grid"/> (null: the input's pixel size).
    /// </summary>
    public static PseudoLabelResult Run(PseudoLabelOptions options, ITilePredictor predictor, IReadOnlyList<string> classNames, TrainingGrid? grid,
        IProgress<StitchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(classNames);
        options.Validate();
        var clock = Stopwatch.StartNew();
        int classes = predictor.ClassCount;
        if (classNames.Count != classes)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model of {classes} classes; give {classes} names.", nameof(classNames));
        }

        using GdalDataset input = GdalDataset.Open(options.InputPath);
        IReadOnlyList<int> bands = options.Bands ?? [.. Enumerable.Range(1, input.BandCount)];
        using ModelGridPlan plan = ModelGridPlan.Create(input, bands, grid, options.Grid);
        var stitcher = new SlidingWindowPredictor(plan.PredictionDataset, bands, predictor, options.Stitch);
        GdalDataset outputGrid = plan.OutputGrid;
        int width = outputGrid.Width, height = outputGrid.Height;
        long pixels = (long)width * height;
        ThresholdMethod method = options.Method ?? (pixels <= options.ExactPixelLimit ? ThresholdMethod.Exact : ThresholdMethod.Histogram);
        if (method == ThresholdMethod.Exact && pixels > options.ExactPixelLimit)
        {
            throw new ArgumentException(
                $"Exact thresholds on {width}x{height} = {pixels} pixels would exceed the exact limit of {options.ExactPixelLimit} pixels ({options.ExactPixelLimit * 8 / (1 << 20)} MiB); use the histogram or raise the limit.");
        }

        var accumulator = new ClassThresholdAccumulator(classes, method, options.ExactPixelLimit);
        string output = Path.GetFullPath(options.OutputPath);
        string stagePath = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.stage-{Guid.NewGuid().ToString("N")[..8]}.tif");
        try
        {
            using (var stage = new StageSink(GdalDataset.Create("GTiff", stagePath, width, height, 2, RasterDataType.Float32,
                       ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"]), accumulator, classes, width))
            {
                stitcher.Run(plan.Wrap(stage, classes), progress, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                stage.Finish();
            }

            double[] thresholds = accumulator.Thresholds(options.Portion, options.Cap);
            var kept = new long[classes];
            long ignored = 0, noData = 0;
            using (GdalDataset staged = GdalDataset.Open(stagePath))
            using (ClassMaskWriter mask = ClassMaskWriter.Create(output, outputGrid, ClassLegend.FromNames(classNames), options.OutputOptions))
            {
                var classValues = new float[RowBlock * width];
                var labels = new byte[RowBlock * width];
                var maxima = new float[RowBlock * width];
                for (int row = 0; row < height; row += RowBlock)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int rows = Math.Min(RowBlock, height - row);
                    int area = rows * width;
                    var window = new PixelWindow(0, row, width, rows);
                    staged.Read(1, window, classValues.AsSpan(0, area));
                    staged.Read(2, window, maxima.AsSpan(0, area));
                    for (int i = 0; i < area; i++)
                    {
                        labels[i] = (byte)classValues[i];
                        noData += labels[i] == ClassBalancedThresholds.Ignore ? 1 : 0;
                    }

                    ignored += ClassBalancedThresholds.Apply(labels.AsSpan(0, area), maxima.AsSpan(0, area), thresholds);
                    for (int i = 0; i < area; i++)
                    {
                        if (labels[i] != ClassBalancedThresholds.Ignore)
                        {
                            kept[labels[i]]++;
                        }
                    }

                    mask.WriteRows(row, rows, labels.AsSpan(0, area), []);
                }

                string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
                mask.SetMetadataItem("PSEUDO_LABEL_THRESHOLDS", string.Join(",", thresholds.Select(R)));
                mask.SetMetadataItem("PSEUDO_LABEL_METHOD", method == ThresholdMethod.Exact ? "exact" : "histogram");
                mask.SetMetadataItem("PSEUDO_LABEL_PORTION", R(options.Portion));
                mask.SetMetadataItem("PSEUDO_LABEL_CAP", R(options.Cap));
                mask.SetMetadataItem("PSEUDO_LABEL_MODELS", string.Join(";", options.Checkpoints.Select(Path.GetFileName)));
                mask.SetMetadataItem("PSEUDO_LABEL_IGNORED", ignored.ToString(CultureInfo.InvariantCulture));
                cancellationToken.ThrowIfCancellationRequested();
                mask.Commit();
            }

            return new PseudoLabelResult
            {
                OutputPath = output,
                ClassNames = classNames,
                Thresholds = thresholds,
                PredictedPerClass = [.. accumulator.Counts],
                KeptPerClass = kept,
                Ignored = ignored,
                NoData = noData,
                Method = method,
                Width = width,
                Height = height,
                Grid = plan.Description,
                Warnings = plan.Warnings,
                Elapsed = clock.Elapsed,
            };
        }
        finally
        {
            ClassMaskWriter.DeleteWithSidecar(stagePath);
        }
    }

    /// <summary>
    /// The thresholds recorded in a pseudo-label raster's metadata (<c>PSEUDO_LABEL_THRESHOLDS</c>),
    /// or null when it has none (not written by this class).
    /// </summary>
    public static IReadOnlyList<double>? ReadThresholds(string path)
    {
        using GdalDataset dataset = GdalDataset.Open(path);
        string? text = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(
            Raster.Interop.GdalNative.GDALGetMetadataItem(dataset.DangerousHandle, "PSEUDO_LABEL_THRESHOLDS", null));
        return text is null ? null : [.. text.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    /// <summary>First pass: argmax (band 1, 255 = no prediction) and its probability (band 2) to the staging file.</summary>
    private sealed class StageSink(GdalDataset stage, ClassThresholdAccumulator accumulator, int classes, int width) : IPredictionSink, IDisposable
    {
        private float[] classValues = [];
        private float[] maxima = [];

        public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classIndices, ReadOnlySpan<float> probabilities)
        {
            int area = rowCount * width;
            if (classValues.Length < area)
            {
                classValues = new float[area];
                maxima = new float[area];
            }

            for (int r = 0; r < rowCount; r++)
            {
                for (int x = 0; x < width; x++)
                {
                    int i = r * width + x;
                    byte c = classIndices[i];
                    float p = c == SlidingWindowPredictor.NoData ? 0f : probabilities[(r * classes + c) * width + x];
                    classValues[i] = c;
                    maxima[i] = p;
                    accumulator.Add(c, p);
                }
            }

            var window = new PixelWindow(0, firstRow, width, rowCount);
            stage.Write<float>(1, window, classValues.AsSpan(0, area));
            stage.Write<float>(2, window, maxima.AsSpan(0, area));
        }

        public void Finish() => stage.Flush();

        public void Dispose() => stage.Dispose();
    }
}
