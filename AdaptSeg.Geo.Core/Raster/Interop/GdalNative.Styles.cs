using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>What writing a GeoPackage's <c>layer_styles</c> table needs beyond the polygon writer.</summary>
internal static partial class GdalNative
{
    internal const int WkbNone = 100;
    internal const int OftDateTime = 11;
    internal const int OfstBoolean = 1;
    internal const int GciUndefined = 0;

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OGR_Fld_SetSubType(IntPtr field, int subType);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_L_GetGeometryColumn(IntPtr layer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetRasterColorInterpretation(IntPtr band);
}
