using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void CPLSetThreadLocalConfigOption(string key, string? value);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr CPLGetThreadLocalConfigOption(string key, string? defaultValue);

    /// <summary>The class of the last error on the calling thread (CPL keeps it per thread).</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int CPLGetLastErrorType();

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr CPLGetLastErrorMsg();
}
