using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

internal static partial class GdalNative
{
    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr OGR_Fld_Create(string name, int type);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OGR_Fld_Destroy(IntPtr field);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_L_CreateField(IntPtr layer, IntPtr field, int approxOk);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_L_CreateFeature(IntPtr layer, IntPtr feature);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial long OGR_L_GetFeatureCount(IntPtr layer, int force);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_F_Create(IntPtr definition);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_F_GetFieldAsInteger(IntPtr feature, int field);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OGR_F_SetFieldInteger(IntPtr feature, int field, int value);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OGR_F_SetFieldDouble(IntPtr feature, int field, double value);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void OGR_F_SetFieldString(IntPtr feature, int field, string value);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_F_GetGeometryRef(IntPtr feature);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_F_SetGeometryDirectly(IntPtr feature, IntPtr geometry);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_G_WkbSize(IntPtr geometry);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial int OGR_G_ExportToWkb(IntPtr geometry, int byteOrder, byte* buffer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static unsafe partial int OGR_G_CreateFromWkb(byte* data, IntPtr spatialReference, out IntPtr geometry, int bytes);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial double OGR_F_GetFieldAsDouble(IntPtr feature, int field);

}
