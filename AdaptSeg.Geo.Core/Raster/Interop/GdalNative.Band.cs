using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    internal const int GfRead = 0;
    internal const int GfWrite = 1;

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALGetRasterDataType(IntPtr band);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial double GDALGetRasterNoDataValue(IntPtr band, out int hasNoData);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALSetRasterNoDataValue(IntPtr band, double value);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial int GDALRasterIO(
        IntPtr band, int readWrite, int xOffset, int yOffset, int xSize, int ySize,
        void* buffer, int bufferXSize, int bufferYSize, int bufferType, int pixelSpace, int lineSpace);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void GDALGetBlockSize(IntPtr band, out int xSize, out int ySize);
}
