using Microsoft.Win32.SafeHandles;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>
/// A GDAL dataset handle (<c>GDALDatasetH</c>), closed with <c>GDALClose</c> exactly once when released: by its
/// owner's Dispose, or by the runtime's critical finalizer if the owner was never disposed.
/// </summary>
internal sealed class GdalDatasetHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public GdalDatasetHandle(IntPtr dataset)
        : base(ownsHandle: true) => SetHandle(dataset);

    protected override bool ReleaseHandle()
    {
        GdalNative.GDALClose(handle);
        return true;
    }
}
