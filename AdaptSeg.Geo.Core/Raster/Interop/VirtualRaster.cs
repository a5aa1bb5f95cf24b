using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>A VRT in GDAL's memory file system (/vsimem), open; disposing closes and deletes it.</summary>
internal sealed class VirtualRaster : IDisposable
{
    private VirtualRaster(string path)
    {
        Path = path;
        Dataset = GdalDataset.Open(path);
    }

    public string Path { get; }

    public GdalDataset Dataset { get; }

    /// <summary>gdal_translate to a VRT (band selection, assigning a CRS).</summary>
    public static VirtualRaster Translate(GdalDataset source, IReadOnlyList<string> arguments)
    {
        string path = NewPath();
        using var argv = new CStringList(arguments);
        Gdal.ClearError();
        using (var options = GdalOwnedHandle.TranslateOptions(GdalNative.GDALTranslateOptionsNew(argv.Pointer, IntPtr.Zero)))
        {
            Gdal.ThrowIf(options.IsInvalid, $"Invalid translate options: {string.Join(' ', arguments)}.", source.Path);
            using var result = new GdalDatasetHandle(GdalNative.GDALTranslate(path, source.DangerousHandle, options.Pointer, out int usageError));
            Gdal.ThrowIf(result.IsInvalid || usageError != 0, $"Could not select bands from '{source.Path}'.", source.Path);
        }

        return new VirtualRaster(path);
    }

    /// <summary>gdalwarp to a VRT (cheap: nothing is resampled until read).</summary>
    public static VirtualRaster Warp(GdalDataset source, IReadOnlyList<string> arguments)
    {
        string path = NewPath();
        GridWarper.Run(source, path, arguments, null, CancellationToken.None);
        return new VirtualRaster(path);
    }

    public void Dispose()
    {
        Dataset.Dispose();
        GdalNative.VSIUnlink(Path);
    }

    private static string NewPath() => $"/vsimem/adaptseg-{Guid.NewGuid():N}.vrt";
}
