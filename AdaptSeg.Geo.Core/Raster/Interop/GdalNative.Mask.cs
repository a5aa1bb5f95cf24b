using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>GDAL mask bands: which pixels of a band hold data.</summary>
internal static partial class GdalNative
{
    internal const int GmfAllValid = 0x01;
    internal const int GmfPerDataset = 0x02;
    internal const int GmfAlpha = 0x04;
    internal const int GmfNoData = 0x08;

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetMaskBand(IntPtr band);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetMaskFlags(IntPtr band);
}
