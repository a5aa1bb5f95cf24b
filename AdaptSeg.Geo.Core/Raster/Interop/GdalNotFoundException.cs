namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>The GDAL shared library could not be loaded under any of the names tried.</summary>
public sealed class GdalNotFoundException(IReadOnlyList<string> tried)
    : DllNotFoundException(
        $"The GDAL library could not be loaded (tried {string.Join(", ", tried)}). " +
        "Install it with 'apt-get install -y libgdal32' on Debian 12 (GDAL 3.6), or 'apt-get install -y libgdal-dev' " +
        $"on other Debian/Ubuntu releases, or set {GdalLibraryResolver.OverrideVariable} to the full path of a libgdal.so.")
{
    /// <summary>The library names that were tried, in order.</summary>
    public IReadOnlyList<string> Tried { get; } = tried;
}
