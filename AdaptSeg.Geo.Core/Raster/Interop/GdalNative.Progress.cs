using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>Progress callbacks for the GDAL utilities (<c>GDALProgressFunc</c>: return 0 to cancel).</summary>
internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial void GDALWarpAppOptionsSetProgress(IntPtr options, delegate* unmanaged[Cdecl]<double, IntPtr, IntPtr, int> progress, IntPtr progressData);
}
