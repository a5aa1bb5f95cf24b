using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    internal const int WkbPolygon = 3;
    internal const int WkbMultiPolygon = 6;
    internal const int WkbNdr = 1;

    /// <summary><c>GDALPolygonize</c>: one polygon per connected run of equal pixels, value in field <paramref name="field"/>.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALPolygonize(IntPtr band, IntPtr maskBand, IntPtr layer, int field, IntPtr options, IntPtr progress, IntPtr progressData);

    /// <summary>The dataset's CRS (owned by the dataset), or zero.</summary>
    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetSpatialRef(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALDatasetCreateLayer(IntPtr dataset, string name, IntPtr spatialReference, int geometryType, IntPtr options);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALDatasetStartTransaction(IntPtr dataset, int force);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALDatasetCommitTransaction(IntPtr dataset);
}
