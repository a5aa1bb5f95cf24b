using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Opens a raster together with its PAM sidecar (<c>.aux.xml</c>: category names, raster
/// attribute table). <see cref="Gdal.Initialize"/> sets <c>GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR</c>
/// (so opening a file in a huge folder stays fast), and with it GDAL does not see sidecars; this
/// lifts the setting for this thread during the open only.
/// </summary>
public static class PamDataset
{
    private const string Key = "GDAL_DISABLE_READDIR_ON_OPEN";

    /// <summary>Opens <paramref name="path"/> read-only (or for update), reading its sidecar.</summary>
    public static GdalDataset Open(string path, bool update = false)
    {
        Gdal.Initialize();
        string? previous = Marshal.PtrToStringUTF8(GdalNative.CPLGetThreadLocalConfigOption(Key, null));
        GdalNative.CPLSetThreadLocalConfigOption(Key, "FALSE");
        try
        {
            return GdalDataset.Open(path, update);
        }
        finally
        {
            GdalNative.CPLSetThreadLocalConfigOption(Key, previous);
        }
    }
}
