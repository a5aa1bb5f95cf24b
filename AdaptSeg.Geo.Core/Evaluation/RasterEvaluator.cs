using System.Globalization;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Evaluation;

/// <summary>
/// Compares a predicted class mask with a reference class raster, strip by strip (memory does
/// not grow with the raster). When the two grids differ (size, geotransform or CRS) the reference
/// is reprojected onto the prediction's grid with nearest neighbour and overviews ignored
/// (<c>-ovr NONE</c>), through a virtual warped raster, so no class value is invented. Values
/// 0..n-1 are classes and 255 is ignore; any other value in either raster is an error that lists
/// the values found. Float rasters are refused (labels are integer indices), and so are rasters
/// with no overlapping pixels (nothing to score).
/// </summary>
internal static class RasterEvaluator
{
    /// <summary>The ignore / nodata value.</summary>
    public const byte Ignore = 255;

    private const int StripRows = 256;

    /// <summary>Evaluates <paramref name="predictionPath"/> against <paramref name="referencePath"/> for the classes named.</summary>
    /// <param name="predictionPath">Predicted class mask (uint8, 255 = nodata).</param>
    /// <param name="referencePath">Reference class raster (255 = ignore).</param>
    /// <param name="classNames">Class names, value order; null to take them from the prediction's category names.</param>
    /// <param name="progress">Rows done.</param>
    /// <param name="cancellationToken">Cancels between strips.</param>
    public static EvaluationReport Evaluate(string predictionPath, string referencePath, IReadOnlyList<string>? classNames = null,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using GdalDataset prediction = PamDataset.Open(predictionPath);
        classNames ??= RasterClassStyle.ReadClassNames(prediction, 1)
            ?? throw new ArgumentException($"'{predictionPath}' carries no class names; give them in RasterEvaluationOptions.ClassNames (for example water, vegetation, other).", nameof(classNames));
        if (classNames.Count is < 1 or > 255)
        {
            throw new ArgumentException($"{classNames.Count} classes given; give 1..255 class names.", nameof(classNames));
        }

        using GdalDataset reference = GdalDataset.Open(referencePath);
        CheckIntegerLabels(prediction, "prediction");
        CheckIntegerLabels(reference, "reference");
        using var temp = new TemporaryFolder();
        bool reproject = !SameGrid(prediction, reference);
        using GdalDataset aligned = reproject ? WarpOnto(reference, prediction, temp.Path) : GdalDataset.Open(referencePath);

        var matrix = new ConfusionMatrix(classNames.Count);
        var seenReference = new long[256];
        var seenPrediction = new long[256];
        int width = prediction.Width;
        var p = new byte[(long)width * StripRows > Array.MaxLength ? throw new ArgumentException($"'{predictionPath}' is too wide ({width} px).") : width * StripRows];
        var r = new byte[p.Length];
        for (int row = 0; row < prediction.Height; row += StripRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(StripRows, prediction.Height - row);
            var window = new PixelWindow(0, row, width, rows);
            int n = width * rows;
            prediction.Read<byte>(1, window, p);
            aligned.Read<byte>(1, window, r);
            for (int i = 0; i < n; i++)
            {
                seenPrediction[p[i]]++;
                seenReference[r[i]]++;
            }

            matrix.Add(r.AsSpan(0, n), p.AsSpan(0, n));
            progress?.Report(new EvaluationProgress(row + rows, prediction.Height));
        }

        CheckValues(seenReference, classNames.Count, referencePath, "reference");
        CheckValues(seenPrediction, classNames.Count, predictionPath, "prediction");
        if (matrix.Total == 0)
        {
            throw new InvalidDataException(
                $"The prediction '{predictionPath}' and the reference '{referencePath}' have no overlapping pixels: " +
                (matrix.UnpredictedPixels > 0
                    ? $"the prediction is nodata (255) wherever the reference is labelled ({matrix.UnpredictedPixels} px)."
                    : reproject
                        ? "the reference, put on the prediction's grid, is empty or ignore (255) everywhere; check that both rasters cover the same area in their CRSs."
                        : "the reference is ignore (255) everywhere.") +
                " There is nothing to score.");
        }
        return new EvaluationReport(matrix, classNames, predictionPath, referencePath, reproject, seenReference[Ignore]);
    }

    /// <summary>Whether two rasters share size, geotransform (to a millionth of a pixel) and CRS.</summary>
    public static bool SameGrid(GdalDataset a, GdalDataset b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
        {
            return false;
        }

        GeoTransform? ta = a.GeoTransform;
        GeoTransform? tb = b.GeoTransform;
        if (ta is null || tb is null)
        {
            return ta is null && tb is null;
        }

        double tolerance = Math.Abs(ta.Value.PixelWidth) * 1e-6;
        double[] ca = ta.Value.ToArray();
        double[] cb = tb.Value.ToArray();
        return ca.Zip(cb).All(z => Math.Abs(z.First - z.Second) <= tolerance) && a.ProjectionWkt == b.ProjectionWkt;
    }

    private static GdalDataset WarpOnto(GdalDataset reference, GdalDataset prediction, string folder)
    {
        if (prediction.GeoTransform is not GeoTransform t || !t.IsNorthUp)
        {
            throw new ArgumentException($"'{prediction.Path}' has no north-up geotransform, so the reference '{reference.Path}' cannot be put on its grid; evaluate on rasters of the same grid.");
        }

        foreach (GdalDataset d in new[] { prediction, reference })
        {
            if (string.IsNullOrEmpty(d.ProjectionWkt))
            {
                throw new ArgumentException($"'{d.Path}' has no CRS, and the two rasters' grids differ; assign the CRS (gdal_edit.py -a_srs EPSG:xxxx) or give rasters on the same grid.");
            }
        }

        var (x0, y0) = t.PixelToWorld(0, 0);
        var (x1, y1) = t.PixelToWorld(prediction.Width, prediction.Height);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return GdalWarp.Run([reference], Path.Combine(folder, "reference-on-prediction-grid.vrt"),
        [
            "-of", "VRT", "-r", "near", "-ovr", "NONE", "-ot", "Byte",
            "-t_srs", prediction.ProjectionWkt,
            "-te", F(Math.Min(x0, x1)), F(Math.Min(y0, y1)), F(Math.Max(x0, x1)), F(Math.Max(y0, y1)),
            "-ts", prediction.Width.ToString(CultureInfo.InvariantCulture), prediction.Height.ToString(CultureInfo.InvariantCulture),
            "-dstnodata", "255",
        ]);
    }

    /// <summary>Refuses float rasters, as prepare does: class labels are integer indices.</summary>
    private static void CheckIntegerLabels(GdalDataset raster, string role)
    {
        RasterDataType type = raster.GetDataType(1);
        if (type is RasterDataType.Float32 or RasterDataType.Float64 or RasterDataType.Unknown)
        {
            throw new InvalidDataException(
                $"The {role} '{raster.Path}' is {type}; class labels must be integer indices (uint8 with 255 = ignore). Convert with gdal_translate -ot Byte.");
        }
    }

    private static void CheckValues(long[] seen, int classCount, string path, string role)
    {
        var bad = Enumerable.Range(classCount, Ignore - classCount).Where(v => seen[v] > 0).ToList();
        if (bad.Count > 0)
        {
            throw new InvalidDataException(
                $"The {role} '{path}' holds values outside the {classCount} classes (0..{classCount - 1}) and the ignore value 255: " +
                $"{string.Join(", ", bad.Select(v => $"{v} ({seen[v]} px)"))}. Give the full class list in RasterEvaluationOptions.ClassNames, or map those values to 255.");
        }
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("adaptseg-evaluate-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
