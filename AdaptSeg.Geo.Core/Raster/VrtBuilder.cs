using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// <c>gdalbuildvrt</c> through GDAL's C API (<c>GDALBuildVRT</c>): a virtual raster that joins
/// rasters side by side (a mosaic) or stacks them as bands (<c>-separate</c>). Nothing is copied;
/// pixels are read from the sources when the VRT is read.
/// </summary>
public static class VrtBuilder
{
    /// <summary>
    /// Writes a VRT at <paramref name="destination"/> (a file, or a <c>/vsimem/</c> path) over
    /// <paramref name="sources"/> with gdalbuildvrt's <paramref name="arguments"/> (for example
    /// <c>-separate</c>, <c>-r bilinear</c>). Throws with GDAL's own message when it cannot.
    /// </summary>
    public static void Build(string destination, IReadOnlyList<string> sources, IReadOnlyList<string> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(arguments);
        if (sources.Count == 0)
        {
            throw new ArgumentException($"A VRT needs at least one source raster; none was given for '{destination}'.", nameof(sources));
        }

        Gdal.Initialize();
        using var argv = new CStringList(arguments);
        using var names = new CStringList(sources);
        Gdal.ClearError();
        using var options = GdalOwnedHandle.BuildVrtOptions(GdalNative.GDALBuildVRTOptionsNew(argv.Pointer, IntPtr.Zero));
        Gdal.ThrowIf(options.IsInvalid, $"Invalid gdalbuildvrt options: {string.Join(' ', arguments)}.", destination);
        using var result = new GdalDatasetHandle(GdalNative.GDALBuildVRT(destination, sources.Count, IntPtr.Zero, names.Pointer, options.Pointer, out int usageError));
        Gdal.ThrowIf(result.IsInvalid || usageError != 0, $"Could not build a VRT over {string.Join(", ", sources.Select(s => $"'{s}'"))}.", destination);
    }
}
