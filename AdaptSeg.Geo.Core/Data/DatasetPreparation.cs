using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// The library's entry point for <c>adaptseg prepare</c>: warps the source and target scenes onto one grid,
/// derives labels, computes band statistics and writes the tile index (see <see cref="DatasetPreparer"/>).
/// </summary>
public static class DatasetPreparation
{
    /// <summary>Prepares <paramref name="options"/>' scenes into its output folder.</summary>
    /// <exception cref="PrepareInputException">A scene, label or AOI cannot be used; the message names it.</exception>
    /// <exception cref="UnsafePathException">The output folder holds the config file or an input.</exception>
    public static PreparedDataset Run(PreparationOptions options, IProgress<PrepareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string folder = Path.GetFullPath(options.OutputFolder);
        // The scenes and the AOI are checked by the preparer; the config file is the caller's own input.
        OutputGuard.CheckFolder([("PreparationOptions.ConfigPath", options.ConfigPath)], "PreparationOptions.OutputFolder", folder);
        CheckCrs(options);
        return new DatasetPreparer(options.Config).Run(folder, options.Overwrite, progress, cancellationToken);
    }

    /// <summary>The grid's CRS must be one GDAL knows (checked here, where GDAL is first used, not when the config is read).</summary>
    private static void CheckCrs(PreparationOptions options)
    {
        if (options.Config.Grid?.Crs is not string crs)
        {
            return;
        }

        try
        {
            using var _ = SpatialReference.FromUserInput(crs);
        }
        catch (GdalException)
        {
            throw new PrepareConfigException(options.ConfigPath, [$"$.grid.crs: '{crs}' is not a CRS GDAL knows; use for example EPSG:32725."]);
        }
    }
}
