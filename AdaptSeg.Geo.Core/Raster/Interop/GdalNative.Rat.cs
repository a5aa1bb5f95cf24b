using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    internal const int GftInteger = 0;
    internal const int GftString = 2;
    internal const int GfuGeneric = 0;
    internal const int GfuName = 2;
    internal const int GfuMinMax = 5;
    internal const int GfuRed = 6;
    internal const int GfuGreen = 7;
    internal const int GfuBlue = 8;
    internal const int GrttThematic = 0;

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALCreateRasterAttributeTable();

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALDestroyRasterAttributeTable(IntPtr table);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALRATCreateColumn(IntPtr table, string name, int type, int usage);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALRATSetRowCount(IntPtr table, int rows);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALRATSetValueAsInt(IntPtr table, int row, int field, int value);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void GDALRATSetValueAsString(IntPtr table, int row, int field, string value);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALRATSetTableType(IntPtr table, int type);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALSetDefaultRAT(IntPtr band, IntPtr table);

    /// <summary>The band's attribute table, owned by the band, or zero.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetDefaultRAT(IntPtr band);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALRATGetRowCount(IntPtr table);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALRATGetColumnCount(IntPtr table);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALRATGetNameOfCol(IntPtr table, int column);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALRATGetValueAsString(IntPtr table, int row, int field);
}
