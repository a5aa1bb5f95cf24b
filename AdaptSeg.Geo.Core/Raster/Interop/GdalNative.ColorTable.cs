using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    internal const int GpiRgb = 1;
    internal const int GciPaletteIndex = 2;

    /// <summary><c>GDALColorEntry</c>: four shorts (red, green, blue, alpha for RGB palettes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ColorEntry
    {
        public short C1;
        public short C2;
        public short C3;
        public short C4;
    }

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALCreateColorTable(int paletteInterpretation);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALDestroyColorTable(IntPtr table);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALSetColorEntry(IntPtr table, int index, in ColorEntry entry);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetColorEntryCount(IntPtr table);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetColorEntryAsRGB(IntPtr table, int index, out ColorEntry entry);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALSetRasterColorTable(IntPtr band, IntPtr table);

    /// <summary>The band's colour table, owned by the band, or zero.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetRasterColorTable(IntPtr band);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALSetRasterColorInterpretation(IntPtr band, int interpretation);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALSetRasterCategoryNames(IntPtr band, IntPtr names);

    /// <summary>The band's category names (<c>char**</c>, owned by the band), or zero.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetRasterCategoryNames(IntPtr band);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALSetMetadataItem(IntPtr majorObject, string name, string? value, string? domain);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALGetMetadataItem(IntPtr majorObject, string name, string? domain);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void GDALSetDescription(IntPtr majorObject, string description);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetDescription(IntPtr majorObject);
}
