using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>GDAL's virtual file system: reading and writing files under <c>/vsimem/</c>.</summary>
internal static partial class GdalNative
{
    /// <summary>The buffer of an in-memory file (owned by GDAL unless <paramref name="unlinkAndSeize"/>), or zero.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr VSIGetMemFileBuffer(string path, out ulong length, int unlinkAndSeize);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr VSIFOpenL(string path, string access);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial nuint VSIFWriteL(IntPtr buffer, nuint size, nuint count, IntPtr file);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int VSIFCloseL(IntPtr file);
}
