using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>gdalbuildvrt as a library call (joining shards, stacking STAC assets as bands).</summary>
internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALBuildVRTOptionsNew(IntPtr argv, IntPtr forBinary);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALBuildVRTOptionsFree(IntPtr options);

    /// <summary>Sources are given by name (<paramref name="sourceNames"/>, a char**), not as open handles.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALBuildVRT(string destinationPath, int sourceCount, IntPtr sourceHandles, IntPtr sourceNames, IntPtr options, out int usageError);
}
