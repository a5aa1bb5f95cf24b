using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>Runs GDALWarp (the library behind <c>gdalwarp</c>) with gdalwarp's own switches.</summary>
public static class GdalWarp
{
    /// <summary>
    /// Warps <paramref name="sources"/> into a new file at <paramref name="destinationPath"/> and
    /// returns it open. <paramref name="arguments"/> are gdalwarp switches, for example
    /// <c>["-t_srs", "EPSG:32725", "-tr", "30", "30", "-tap", "-r", "bilinear", "-of", "GTiff"]</c>.
    /// </summary>
    public static unsafe GdalDataset Run(IReadOnlyList<GdalDataset> sources, string destinationPath, IEnumerable<string> arguments)
    {
        Gdal.Initialize();
        var args = arguments.ToList();
        using var argv = new CStringList(args);
        Gdal.ClearError();
        using var options = GdalOwnedHandle.WarpOptions(GdalNative.GDALWarpAppOptionsNew(argv.Pointer, IntPtr.Zero));
        Gdal.ThrowIf(options.IsInvalid, $"Invalid warp options: {string.Join(' ', args)}.", destinationPath);
        IntPtr* handles = stackalloc IntPtr[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            handles[i] = sources[i].DangerousHandle;
        }

        using (var result = new GdalDatasetHandle(GdalNative.GDALWarp(destinationPath, IntPtr.Zero, sources.Count, handles, options.Pointer, out int usageError)))
        {
            Gdal.ThrowIf(result.IsInvalid || usageError != 0,
                $"Warping {string.Join(", ", sources.Select(s => $"'{s.Path}'"))} to '{destinationPath}' failed.", destinationPath);
        }

        return GdalDataset.Open(destinationPath);
    }
}
