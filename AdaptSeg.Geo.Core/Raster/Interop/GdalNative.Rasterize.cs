using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>gdal_rasterize and ogr2ogr as library calls (gdal_utils.h).</summary>
internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALRasterizeOptionsNew(IntPtr argv, IntPtr forBinary);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALRasterizeOptionsFree(IntPtr options);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALRasterize(string? destinationPath, IntPtr destination, IntPtr source, IntPtr options, out int usageError);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALVectorTranslateOptionsNew(IntPtr argv, IntPtr forBinary);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALVectorTranslateOptionsFree(IntPtr options);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial IntPtr GDALVectorTranslate(string? destinationPath, IntPtr destination, int sourceCount, IntPtr* sources, IntPtr options, out int usageError);
}
