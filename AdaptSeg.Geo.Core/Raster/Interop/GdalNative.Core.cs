using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>
/// The slice of GDAL's stable C API that the project uses, grouped by concern across partial files.
/// Functions returning <c>const char*</c> return <see cref="IntPtr"/>: GDAL owns that memory.
/// </summary>
internal static partial class GdalNative
{
    internal const int CeNone = 0;
    internal const int CeWarning = 2;
    internal const int CeFailure = 3;
    internal const int CeFatal = 4;

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALAllRegister();

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALVersionInfo(string request);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void CPLSetConfigOption(string key, string? value);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr CPLGetConfigOption(string key, string? defaultValue);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial IntPtr CPLSetErrorHandler(delegate* unmanaged[Cdecl]<int, int, IntPtr, void> handler);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void CPLErrorReset();

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void VSIFree(IntPtr pointer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void CSLDestroy(IntPtr list);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALGetDriverByName(string name);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetDriverCount();

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetDriverShortName(IntPtr driver);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OSRGetPROJVersion(out int major, out int minor, out int patch);
}
