using System.Globalization;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Where a prediction runs and where it is written, given the grid the model was trained on.
/// When the input's pixel size differs from the model's, the input is resampled on the fly through
/// a warped VRT (bilinear, float32, nodata NaN; nothing is written to disk): at the model's pixel
/// size in the input's CRS, starting at the input's top-left corner, or, when the two CRSs have
/// different units (degrees vs metres) and <see cref="PredictionGrid.Model"/> is asked, reprojected to
/// the model's CRS. With <see cref="PredictionGrid.Input"/> the blended rows come back to the input's
/// pixels through <see cref="Wrap"/> (bilinear, streaming).
/// </summary>
public sealed class ModelGridPlan : IDisposable
{
    private readonly VirtualRaster? warped;
    private readonly GdalDataset input;
    private readonly IReadOnlyList<int> bands;
    private readonly double scaleX;
    private readonly double scaleY;
    private readonly List<InputGridSink> sinks = [];

    private ModelGridPlan(GdalDataset input, IReadOnlyList<int> bands, VirtualRaster? warped, bool resamplesBack, double scaleX, double scaleY, string description, IReadOnlyList<string> warnings)
    {
        this.input = input;
        this.bands = bands;
        this.warped = warped;
        ResamplesBack = resamplesBack;
        this.scaleX = scaleX;
        this.scaleY = scaleY;
        Description = description;
        Warnings = warnings;
    }

    /// <summary>The raster the sliding window reads (the input, or the warped VRT).</summary>
    public GdalDataset PredictionDataset => warped?.Dataset ?? input;

    /// <summary>The raster whose grid the outputs take (the input, or the warped VRT for <see cref="PredictionGrid.Model"/>).</summary>
    public GdalDataset OutputGrid => ResamplesBack ? input : PredictionDataset;

    /// <summary>Whether blended rows are resampled back to the input's grid.</summary>
    public bool ResamplesBack { get; }

    /// <summary>One line for the user: which grids were used.</summary>
    public string Description { get; }

    /// <summary>Things the user should know (a model without a recorded grid).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Plans the prediction of <paramref name="bands"/> of <paramref name="input"/> with a model trained
    /// on <paramref name="grid"/> (null for models that do not record it: the input's pixel size, with a warning).
    /// </summary>
    public static ModelGridPlan Create(GdalDataset input, IReadOnlyList<int> bands, TrainingGrid? grid, PredictionGrid output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(bands);
        if (grid is null)
        {
            return new ModelGridPlan(input, bands, null, false, 1, 1, "input grid (the model records no training grid)",
                ["The model records no training grid (it was written before models recorded one): predicting at the input's pixel size. " +
                 "Retrain with this build, or give an input at the training resolution."]);
        }

        if (input.GeoTransform is not GeoTransform t || !t.IsNorthUp)
        {
            throw new ArgumentException(
                $"'{input.Path}' has {(input.GeoTransform is null ? "no geotransform" : "a rotated geotransform")}, so it cannot be resampled to the model's {Format(grid.PixelSize)} training pixels. " +
                "Georeference it north-up first (gdalwarp input.tif north_up.tif).");
        }

        var warnings = new List<string>();
        double px = Math.Abs(t.PixelWidth), py = Math.Abs(t.PixelHeight), ps = grid.PixelSize;
        using SpatialReference model = SpatialReference.FromWkt(grid.CrsWkt);
        SpatialReference? own = string.IsNullOrWhiteSpace(input.ProjectionWkt) ? null : SpatialReference.FromWkt(input.ProjectionWkt, input.Path);
        using (own)
        {
            if (own is null)
            {
                warnings.Add($"'{input.Path}' has no CRS: its pixel size is taken to be in the units of the model's CRS ({model.Describe()}).");
            }
            else if (!SameUnits(own, model))
            {
                if (output == PredictionGrid.Input)
                {
                    throw new NotSupportedException(
                        $"'{input.Path}' is in {own.Describe()} ({Units(own)}) but the model was trained on {model.Describe()} ({Units(model)}). " +
                        $"Set PredictionRequest.Grid to Model to predict and write on the model's CRS at {Format(ps)} {Units(model)}, or reproject the input first: " +
                        $"gdalwarp -t_srs {(model.EpsgCode is int e ? $"EPSG:{e}" : "<the model's CRS>")} -tr {Format(ps)} {Format(ps)} -r bilinear input.tif input_on_model_crs.tif.");
                }

                VirtualRaster reprojected = VirtualRaster.Warp(input,
                    ["-of", "VRT", "-t_srs", grid.CrsWkt, "-tr", Format(ps), Format(ps), "-r", "bilinear", "-ot", "Float32", "-wt", "Float32", "-dstnodata", "nan", "-ovr", "NONE"]);
                return new ModelGridPlan(input, bands, reprojected, false, 1, 1,
                    $"model grid: reprojected from {own.Describe()} to {model.Describe()} at {Format(ps)} {Units(model)}", warnings);
            }

            bool same = Math.Abs(px - ps) <= 1e-6 * ps && Math.Abs(py - ps) <= 1e-6 * ps;
            if (same)
            {
                return new ModelGridPlan(input, bands, null, false, 1, 1, $"input grid = model grid ({Format(ps)} pixels)", warnings);
            }

            int width = (int)Math.Ceiling(input.Width * px / ps - 1e-9);
            int height = (int)Math.Ceiling(input.Height * py / ps - 1e-9);
            double minX = t.OriginX, maxY = t.OriginY, maxX = minX + width * ps, minY = maxY - height * ps;
            var args = new List<string>
            {
                "-of", "VRT", "-r", "bilinear", "-ot", "Float32", "-wt", "Float32", "-dstnodata", "nan", "-ovr", "NONE",
                "-te", Format(minX), Format(minY), Format(maxX), Format(maxY),
                "-ts", width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture),
            };
            VirtualRaster resampled = VirtualRaster.Warp(input, args);
            bool back = output == PredictionGrid.Input;
            string where = back ? $"written on the input grid ({Format(px)} pixels, bilinear)" : "written on the model grid";
            return new ModelGridPlan(input, bands, resampled, back, px / ps, py / ps,
                $"predicted at the model's {Format(ps)} pixels ({width}x{height}), {where}", warnings);
        }
    }

    /// <summary>
    /// The sink the sliding window writes to: <paramref name="sink"/> itself, or, when resampling
    /// back, an adapter that turns model-grid rows into input-grid rows for it.
    /// </summary>
    public IPredictionSink Wrap(IPredictionSink sink, int classes)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (!ResamplesBack)
        {
            return sink;
        }

        var back = new InputGridSink(sink, input.Path, bands, input.Width, input.Height, PredictionDataset.Width, PredictionDataset.Height, scaleX, scaleY, classes);
        sinks.Add(back);
        return back;
    }

    public void Dispose()
    {
        foreach (InputGridSink sink in sinks)
        {
            sink.Dispose();
        }

        warped?.Dispose();
    }

    private static bool SameUnits(SpatialReference a, SpatialReference b) =>
        a.IsProjected == b.IsProjected && (!a.IsProjected || Math.Abs(a.LinearUnitInMetres - b.LinearUnitInMetres) <= 1e-12 * Math.Max(1, a.LinearUnitInMetres));

    private static string Units(SpatialReference crs) => crs.IsProjected ? (Math.Abs(crs.LinearUnitInMetres - 1) < 1e-12 ? "metres" : $"units of {Format(crs.LinearUnitInMetres)} m") : "degrees";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
