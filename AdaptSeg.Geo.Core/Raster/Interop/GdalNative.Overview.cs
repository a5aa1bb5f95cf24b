using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetOverviewCount(IntPtr band);
}
