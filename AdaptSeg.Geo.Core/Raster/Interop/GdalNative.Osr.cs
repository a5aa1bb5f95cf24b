using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>OGR spatial references (OSR) and coordinate transformations.</summary>
internal static partial class GdalNative
{
    internal const int OgrErrNone = 0;

    /// <summary><c>OAMS_TRADITIONAL_GIS_ORDER</c>: x = easting/longitude, y = northing/latitude.</summary>
    internal const int OamsTraditionalGisOrder = 0;

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OSRNewSpatialReference(string? wkt);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OSRDestroySpatialReference(IntPtr srs);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OSRSetFromUserInput(IntPtr srs, string definition);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OSRExportToWkt(IntPtr srs, out IntPtr wkt);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OSRAutoIdentifyEPSG(IntPtr srs);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OSRGetAuthorityCode(IntPtr srs, string? targetKey);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OSRGetAuthorityName(IntPtr srs, string? targetKey);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OSRGetName(IntPtr srs);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OSRIsSame(IntPtr a, IntPtr b);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OSRIsProjected(IntPtr srs);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OSRIsGeographic(IntPtr srs);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial double OSRGetLinearUnits(IntPtr srs, out IntPtr name);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OSRSetAxisMappingStrategy(IntPtr srs, int strategy);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OCTNewCoordinateTransformation(IntPtr source, IntPtr target);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OCTDestroyCoordinateTransformation(IntPtr transformation);

    /// <summary>Returns TRUE (non-zero) on success.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial int OCTTransform(IntPtr transformation, int count, double* x, double* y, double* z);
}
