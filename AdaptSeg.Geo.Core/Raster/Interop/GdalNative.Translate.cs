using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>gdal_translate as a library call (band selection into a VRT, assigning a CRS).</summary>
internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALTranslateOptionsNew(IntPtr argv, IntPtr forBinary);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALTranslateOptionsFree(IntPtr options);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALTranslate(string destinationPath, IntPtr source, IntPtr options, out int usageError);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int VSIUnlink(string path);
}
