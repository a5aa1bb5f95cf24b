using System.Globalization;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Puts scenes on the common grid with GDAL's warper: imagery (selected bands, channel order,
/// float32, NaN nodata) and labels (uint8, 255 = ignore) on exactly the same frame. Outputs are
/// tiled, DEFLATE-compressed GeoTIFFs. Overviews are never used (<c>-ovr NONE</c>).
/// </summary>
public static class GridWarper
{
    /// <summary>The ignore / nodata value of label rasters.</summary>
    public const byte IgnoreLabel = 255;

    private static readonly string[] GeoTiffOptions =
        ["-of", "GTiff", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "BIGTIFF=IF_SAFER", "-ovr", "NONE", "-wm", "256", "-overwrite"];

    /// <summary>
    /// Opens a raster and checks that it is georeferenced: a CRS (or <paramref name="assumeCrs"/>
    /// for files without one) and a geotransform. Returns its CRS.
    /// </summary>
    public static SpatialReference CrsOf(GdalDataset dataset, string? assumeCrs)
    {
        if (dataset.GeoTransform is null)
        {
            throw new GdalException($"'{dataset.Path}' has no geotransform (it is not georeferenced). Georeference it first (gdal_translate -a_ullr / gdalwarp with GCPs).", null, dataset.Path);
        }

        if (!string.IsNullOrWhiteSpace(dataset.ProjectionWkt))
        {
            return SpatialReference.FromWkt(dataset.ProjectionWkt, dataset.Path);
        }

        if (string.IsNullOrWhiteSpace(assumeCrs))
        {
            return SpatialReference.FromWkt("", dataset.Path); // throws, naming the file and PrepareConfig.AssumeCrs
        }

        return SpatialReference.FromUserInput(assumeCrs, dataset.Path);
    }

    /// <summary>
    /// The pixel size of <paramref name="dataset"/> expressed in <paramref name="grid"/>'s units:
    /// the native size when both CRSs share a linear unit, otherwise the resolution gdalwarp
    /// would choose for that CRS.
    /// </summary>
    public static double PixelSizeIn(GdalDataset dataset, SpatialReference grid, string? assumeCrs = null)
    {
        using SpatialReference own = CrsOf(dataset, assumeCrs);
        GeoTransform t = dataset.GeoTransform!.Value;
        double native = Math.Max(Math.Abs(t.PixelWidth), Math.Abs(t.PixelHeight));
        if (own.IsSame(grid) || (own.IsProjected && grid.IsProjected && Math.Abs(own.LinearUnitInMetres - grid.LinearUnitInMetres) < 1e-12))
        {
            return native;
        }

        using VirtualRaster probe = VirtualRaster.Warp(dataset, ["-of", "VRT", "-s_srs", own.Wkt, "-t_srs", grid.Wkt]);
        GeoTransform g = probe.Dataset.GeoTransform!.Value;
        return Math.Max(Math.Abs(g.PixelWidth), Math.Abs(g.PixelHeight));
    }

    /// <summary>
    /// Warps the selected bands of <paramref name="imagePath"/> onto <paramref name="grid"/> as a
    /// float32 GeoTIFF with nodata NaN at <paramref name="destinationPath"/>; returns its frame.
    /// Bilinear, or average when shrinking by more than 2x.
    /// </summary>
    public static GridFrame WarpImage(string imagePath, BandMap bands, OutputGrid grid, string destinationPath,
        string? assumeCrs = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using GdalDataset image = GdalDataset.Open(imagePath);
        bands.CheckAgainst(image.BandCount, imagePath);
        using SpatialReference own = CrsOf(image, assumeCrs);
        using SpatialReference target = SpatialReference.FromWkt(grid.CrsWkt);
        double scale = grid.PixelSize / PixelSizeIn(image, target, assumeCrs);

        var select = new List<string> { "-of", "VRT", "-a_srs", own.Wkt };
        foreach (int b in bands.Bands)
        {
            select.AddRange(["-b", b.ToString(CultureInfo.InvariantCulture)]);
        }

        using VirtualRaster selected = VirtualRaster.Translate(image, select);
        string ps = Format(grid.PixelSize);
        var args = new List<string>(GeoTiffOptions)
        {
            "-t_srs", grid.CrsWkt, "-tr", ps, ps, "-tap", "-r", ResamplingRules.ForImagery(scale),
            "-ot", "Float32", "-wt", "Float32", "-dstnodata", "nan", "-co", "PREDICTOR=3",
        };
        Run(selected.Dataset, destinationPath, args, progress, cancellationToken);
        using GdalDataset written = GdalDataset.Open(destinationPath);
        return GridFrame.Of(written);
    }

    /// <summary>
    /// Warps a label raster (band 1) onto exactly <paramref name="frame"/> as uint8 with
    /// 255 = ignore: nearest, or mode when shrinking; overviews ignored.
    /// </summary>
    public static void WarpLabels(string labelPath, GridFrame frame, string destinationPath,
        string? assumeCrs = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using GdalDataset labels = GdalDataset.Open(labelPath);
        using SpatialReference own = CrsOf(labels, assumeCrs);
        using SpatialReference target = SpatialReference.FromWkt(frame.CrsWkt);
        double scale = Math.Abs(frame.Transform.PixelWidth) / PixelSizeIn(labels, target, assumeCrs);
        double noData = labels.GetNoData(1) ?? IgnoreLabel;
        (double minX, double minY, double maxX, double maxY) = frame.Bounds;
        var args = new List<string>(GeoTiffOptions)
        {
            "-s_srs", own.Wkt, "-t_srs", frame.CrsWkt,
            "-te", Format(minX), Format(minY), Format(maxX), Format(maxY),
            "-ts", frame.Width.ToString(CultureInfo.InvariantCulture), frame.Height.ToString(CultureInfo.InvariantCulture),
            "-r", ResamplingRules.ForLabels(scale),
            "-ot", "Byte", "-srcnodata", Format(noData), "-dstnodata", IgnoreLabel.ToString(CultureInfo.InvariantCulture),
        };
        using VirtualRaster first = VirtualRaster.Translate(labels, ["-of", "VRT", "-b", "1"]);
        Run(first.Dataset, destinationPath, args, progress, cancellationToken);
        using GdalDataset written = GdalDataset.Open(destinationPath, update: true);
        GeoTransform got = written.GeoTransform!.Value;
        double tolerance = 1e-6 * Math.Abs(frame.Transform.PixelWidth);
        if (written.Width != frame.Width || written.Height != frame.Height
            || Math.Abs(got.OriginX - frame.Transform.OriginX) > tolerance || Math.Abs(got.OriginY - frame.Transform.OriginY) > tolerance
            || Math.Abs(got.PixelWidth - frame.Transform.PixelWidth) > 1e-9 || Math.Abs(got.PixelHeight - frame.Transform.PixelHeight) > 1e-9)
        {
            throw new GdalException($"Warping labels '{labelPath}' gave the grid {got} ({written.Width}x{written.Height}), not the image's {frame.Transform} ({frame.Width}x{frame.Height}).", null, labelPath);
        }

        // -te/-ts recompute the geotransform in floating point; store the image's exactly so both files agree bit for bit.
        written.SetGeoTransform(frame.Transform);
    }

    /// <summary>Runs gdalwarp from an open dataset to a file, with progress and cancellation.</summary>
    internal static unsafe void Run(GdalDataset source, string destinationPath, IReadOnlyList<string> arguments,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var argv = new CStringList(arguments);
        Gdal.ClearError();
        using var options = GdalOwnedHandle.WarpOptions(GdalNative.GDALWarpAppOptionsNew(argv.Pointer, IntPtr.Zero));
        Gdal.ThrowIf(options.IsInvalid, $"Invalid warp options: {string.Join(' ', arguments)}.", destinationPath);
        using var bridge = new GdalProgressBridge(progress, cancellationToken);
        GdalNative.GDALWarpAppOptionsSetProgress(options.Pointer, GdalProgressBridge.Callback, bridge.Data);
        IntPtr handle = source.DangerousHandle;
        Gdal.ClearError();
        bool failed;
        int usageError;
        using (var result = new GdalDatasetHandle(GdalNative.GDALWarp(destinationPath, IntPtr.Zero, 1, &handle, options.Pointer, out usageError)))
        {
            failed = result.IsInvalid;
        }

        cancellationToken.ThrowIfCancellationRequested();
        Gdal.ThrowIf(failed || usageError != 0,
            $"Warping '{source.Path}' onto the grid ('{destinationPath}') failed: the file may be truncated or corrupt, or the output folder not writable.", source.Path);
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
