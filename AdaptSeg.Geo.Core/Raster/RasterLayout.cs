using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>How a written raster is laid out: overviews, compression, COG layout (what <c>gdalinfo</c> shows).</summary>
public static class RasterLayout
{
    /// <summary>Number of overviews of a band (1-based).</summary>
    public static int OverviewCount(GdalDataset dataset, int band = 1) =>
        GdalNative.GDALGetOverviewCount(GdalNative.GDALGetRasterBand(dataset.DangerousHandle, Check(dataset, band)));

    /// <summary>An IMAGE_STRUCTURE item of the dataset (COMPRESSION, LAYOUT, INTERLEAVE), or null.</summary>
    public static string? ImageStructure(GdalDataset dataset, string item) =>
        Marshal.PtrToStringUTF8(GdalNative.GDALGetMetadataItem(dataset.DangerousHandle, item, "IMAGE_STRUCTURE"));

    /// <summary>The description of a band (a probability band's class name).</summary>
    public static string BandDescription(GdalDataset dataset, int band) =>
        Marshal.PtrToStringUTF8(GdalNative.GDALGetDescription(GdalNative.GDALGetRasterBand(dataset.DangerousHandle, Check(dataset, band)))) ?? "";

    private static int Check(GdalDataset dataset, int band) =>
        band >= 1 && band <= dataset.BandCount ? band : throw new ArgumentOutOfRangeException(nameof(band), band, $"'{dataset.Path}' has {dataset.BandCount} band(s).");
}
