using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    internal const uint OfReadOnly = 0x00;
    internal const uint OfUpdate = 0x01;
    internal const uint OfRaster = 0x02;
    internal const uint OfVector = 0x04;
    internal const uint OfVerbose = 0x40;

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALOpenEx(string path, uint flags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALClose(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALCreate(IntPtr driver, string path, int xSize, int ySize, int bands, int dataType, IntPtr options);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALCreateCopy(IntPtr driver, string path, IntPtr source, int strict, IntPtr options, IntPtr progress, IntPtr progressData);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetDatasetDriver(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetRasterXSize(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetRasterYSize(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetRasterCount(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial int GDALGetGeoTransform(IntPtr dataset, double* transform);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial int GDALSetGeoTransform(IntPtr dataset, double* transform);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetProjectionRef(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALSetProjection(IntPtr dataset, string wkt);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALGetRasterBand(IntPtr dataset, int band);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALFlushCache(IntPtr dataset); // returns CPLErr only from GDAL 3.7; read the error state instead
}
