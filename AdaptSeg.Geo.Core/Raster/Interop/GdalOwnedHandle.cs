using Microsoft.Win32.SafeHandles;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>
/// A GDAL/OGR object this code created and must free (spatial reference, coordinate transformation,
/// colour table, attribute table, the option structures of the GDAL utilities, an OGR feature),
/// released exactly once with its own destructor: by Dispose, or by the runtime's critical finalizer
/// if the owner was never disposed. A null pointer (a failed creation) is invalid and never released.
/// Datasets have their own handle type, <see cref="GdalDatasetHandle"/>.
/// </summary>
internal sealed class GdalOwnedHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly Action<IntPtr> release;

    private GdalOwnedHandle(IntPtr pointer, Action<IntPtr> release)
        : base(ownsHandle: true)
    {
        this.release = release;
        SetHandle(pointer);
    }

    /// <summary>The pointer, for passing to GDAL while this handle is alive.</summary>
    public IntPtr Pointer => DangerousGetHandle();

    public static GdalOwnedHandle SpatialReference(IntPtr srs) => new(srs, GdalNative.OSRDestroySpatialReference);

    public static GdalOwnedHandle CoordinateTransformation(IntPtr transformation) => new(transformation, GdalNative.OCTDestroyCoordinateTransformation);

    public static GdalOwnedHandle ColorTable(IntPtr table) => new(table, GdalNative.GDALDestroyColorTable);

    public static GdalOwnedHandle AttributeTable(IntPtr table) => new(table, GdalNative.GDALDestroyRasterAttributeTable);

    public static GdalOwnedHandle TranslateOptions(IntPtr options) => new(options, GdalNative.GDALTranslateOptionsFree);

    public static GdalOwnedHandle WarpOptions(IntPtr options) => new(options, GdalNative.GDALWarpAppOptionsFree);

    public static GdalOwnedHandle BuildVrtOptions(IntPtr options) => new(options, GdalNative.GDALBuildVRTOptionsFree);

    public static GdalOwnedHandle RasterizeOptions(IntPtr options) => new(options, GdalNative.GDALRasterizeOptionsFree);

    public static GdalOwnedHandle VectorTranslateOptions(IntPtr options) => new(options, GdalNative.GDALVectorTranslateOptionsFree);

    public static GdalOwnedHandle Feature(IntPtr feature) => new(feature, GdalNative.OGR_F_Destroy);

    protected override bool ReleaseHandle()
    {
        release(handle);
        return true;
    }
}
