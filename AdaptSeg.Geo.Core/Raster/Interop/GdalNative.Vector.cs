using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Raster.Interop;

/// <summary>OGR vector layers, fields and features (enough to read a class field).</summary>
internal static partial class GdalNative
{
    internal const int OftInteger = 0;
    internal const int OftReal = 2;
    internal const int OftString = 4;
    internal const int OftInteger64 = 12;

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int GDALDatasetGetLayerCount(IntPtr dataset);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr GDALDatasetGetLayer(IntPtr dataset, int index);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr GDALDatasetGetLayerByName(IntPtr dataset, string name);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_L_GetName(IntPtr layer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_L_GetLayerDefn(IntPtr layer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OGR_L_ResetReading(IntPtr layer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_L_GetNextFeature(IntPtr layer);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_L_GetSpatialRef(IntPtr layer);

    [LibraryImport(GdalLibraryResolver.LogicalName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OGR_FD_GetFieldIndex(IntPtr featureDefinition, string name);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_FD_GetFieldDefn(IntPtr featureDefinition, int index);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_FD_GetFieldCount(IntPtr featureDefinition);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_Fld_GetType(IntPtr fieldDefinition);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_Fld_GetNameRef(IntPtr fieldDefinition);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial IntPtr OGR_F_GetFieldAsString(IntPtr feature, int index);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial int OGR_F_IsFieldSetAndNotNull(IntPtr feature, int index);

    [LibraryImport(GdalLibraryResolver.LogicalName)]
    internal static partial void OGR_F_Destroy(IntPtr feature);
}
