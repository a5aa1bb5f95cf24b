using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    /// <summary><c>GDALWarpAppOptionsNew(char** argv, GDALWarpAppOptionsForBinary*)</c>: gdalwarp's command-line switches.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALWarpAppOptionsNew(IntPtr argv, IntPtr forBinary);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALWarpAppOptionsFree(IntPtr options);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial IntPtr GDALWarp(string? destinationPath, IntPtr destination, int sourceCount, IntPtr* sources, IntPtr options, out int usageError);
}
