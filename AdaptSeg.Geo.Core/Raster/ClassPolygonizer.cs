using AdaptSeg.Geo.Raster.Interop;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Simplify;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Turns a class mask into polygons: GDALPolygonize (nodata pixels left out) into a scratch
/// GeoPackage, then each polygon is filtered by area and optionally simplified with
/// NetTopologySuite and written to a GeoPackage layer <c>classes</c> with fields <c>class</c>
/// (value), <c>class_name</c> and <c>area</c> (squared CRS units), on the mask's CRS. Both steps
/// go through files, so memory holds one polygon at a time. The GeoPackage also holds a default
/// QGIS style for the layer in the <c>layer_styles</c> table (the schema QGIS writes and reads):
/// categorised by <c>class</c>, in the legend's colours (<see cref="QgisStyle"/>).
/// </summary>
public static class ClassPolygonizer
{
    /// <summary>The output layer's name.</summary>
    public const string LayerName = "classes";

    /// <summary>The table QGIS (and the OGC GeoPackage styles convention it follows) keeps layer styles in.</summary>
    public const string StylesTable = "layer_styles";

    /// <summary>Polygonizes <paramref name="maskPath"/> into a new GeoPackage at <paramref name="geoPackagePath"/>; returns the polygons written.</summary>
    public static long Write(string maskPath, string geoPackagePath, ClassLegend legend, PolygonOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(legend);
        options ??= new PolygonOptions();
        options.Validate();
        string scratch = geoPackagePath + ".polygonize.gpkg";
        try
        {
            using GdalDataset mask = GdalDataset.Open(maskPath);
            IntPtr srs = GdalNative.GDALGetSpatialRef(mask.DangerousHandle);
            using (VectorFile raw = VectorFile.Create(scratch))
            {
                IntPtr rawLayer = raw.CreateLayer("raw", srs, GdalNative.WkbPolygon);
                AddField(rawLayer, "class", GdalNative.OftInteger, scratch);
                IntPtr band = GdalNative.GDALGetRasterBand(mask.DangerousHandle, 1);
                using var polygonizeOptions = new Interop.CStringList(options.EightConnected ? ["8CONNECTED=8"] : []);
                raw.Begin();
                Gdal.ClearError();
                int result = GdalNative.GDALPolygonize(band, GdalNative.GDALGetMaskBand(band), rawLayer, 0, polygonizeOptions.Pointer, IntPtr.Zero, IntPtr.Zero);
                Gdal.ThrowIf(result != GdalNative.CeNone, $"Could not turn '{maskPath}' into polygons.", maskPath);
                raw.Commit();
                cancellationToken.ThrowIfCancellationRequested();

                using VectorFile output = VectorFile.Create(geoPackagePath);
                IntPtr layer = output.CreateLayer(LayerName, srs, GdalNative.WkbMultiPolygon);
                AddField(layer, "class", GdalNative.OftInteger, geoPackagePath);
                AddField(layer, "class_name", GdalNative.OftString, geoPackagePath);
                AddField(layer, "area", GdalNative.OftReal, geoPackagePath);
                long written = CopyPolygons(rawLayer, layer, output, legend, options, cancellationToken);
                WriteDefaultStyle(output, layer, legend);
                return written;
            }
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>Reads back the polygons of a GeoPackage written by <see cref="Write"/>.</summary>
    public static unsafe IReadOnlyList<ClassPolygon> Read(string geoPackagePath)
    {
        Gdal.Initialize();
        if (!File.Exists(geoPackagePath))
        {
            throw new FileNotFoundException($"The GeoPackage '{geoPackagePath}' does not exist.", geoPackagePath);
        }

        Gdal.ClearError();
        IntPtr ds = GdalNative.GDALOpenEx(geoPackagePath, GdalNative.OfVector | GdalNative.OfVerbose, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        Gdal.ThrowIf(ds == IntPtr.Zero, $"Could not open '{geoPackagePath}' as a GeoPackage.", geoPackagePath);
        using (new GdalDatasetHandle(ds))
        {
            IntPtr layer = GdalNative.GDALDatasetGetLayerByName(ds, LayerName);
            if (layer == IntPtr.Zero)
            {
                throw new InvalidDataException($"'{geoPackagePath}' has no layer '{LayerName}'.");
            }

            var reader = new WKBReader();
            var polygons = new List<ClassPolygon>();
            GdalNative.OGR_L_ResetReading(layer);
            for (IntPtr feature; (feature = GdalNative.OGR_L_GetNextFeature(layer)) != IntPtr.Zero;)
            {
                using (GdalOwnedHandle.Feature(feature))
                {
                    IntPtr geometry = GdalNative.OGR_F_GetGeometryRef(feature);
                    var wkb = new byte[GdalNative.OGR_G_WkbSize(geometry)];
                    fixed (byte* p = wkb)
                    {
                        GdalNative.OGR_G_ExportToWkb(geometry, GdalNative.WkbNdr, p);
                    }

                    polygons.Add(new ClassPolygon(
                        GdalNative.OGR_F_GetFieldAsInteger(feature, 0),
                        System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GdalNative.OGR_F_GetFieldAsString(feature, 1)) ?? "",
                        GdalNative.OGR_F_GetFieldAsDouble(feature, 2),
                        reader.Read(wkb)));
                }
            }

            return polygons;
        }
    }

    /// <summary>
    /// The default style row of <see cref="LayerName"/> in the GeoPackage's <see cref="StylesTable"/> table, as
    /// field name → text (unset fields left out); null when the file has no such table or row.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ReadDefaultStyle(string geoPackagePath)
    {
        Gdal.Initialize();
        if (!File.Exists(geoPackagePath))
        {
            throw new FileNotFoundException($"The GeoPackage '{geoPackagePath}' does not exist.", geoPackagePath);
        }

        Gdal.ClearError();
        IntPtr ds = GdalNative.GDALOpenEx(geoPackagePath, GdalNative.OfVector | GdalNative.OfVerbose, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        Gdal.ThrowIf(ds == IntPtr.Zero, $"Could not open '{geoPackagePath}' as a GeoPackage.", geoPackagePath);
        using (new GdalDatasetHandle(ds))
        {
            IntPtr layer = GdalNative.GDALDatasetGetLayerByName(ds, StylesTable);
            if (layer == IntPtr.Zero)
            {
                return null;
            }

            IntPtr definition = GdalNative.OGR_L_GetLayerDefn(layer);
            int count = GdalNative.OGR_FD_GetFieldCount(definition);
            GdalNative.OGR_L_ResetReading(layer);
            for (IntPtr feature; (feature = GdalNative.OGR_L_GetNextFeature(layer)) != IntPtr.Zero;)
            {
                using (GdalOwnedHandle.Feature(feature))
                {
                    var row = new Dictionary<string, string>(StringComparer.Ordinal);
                    for (int i = 0; i < count; i++)
                    {
                        if (GdalNative.OGR_F_IsFieldSetAndNotNull(feature, i) != 0)
                        {
                            string name = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GdalNative.OGR_Fld_GetNameRef(GdalNative.OGR_FD_GetFieldDefn(definition, i))) ?? "";
                            row[name] = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GdalNative.OGR_F_GetFieldAsString(feature, i)) ?? "";
                        }
                    }

                    if (row.GetValueOrDefault("f_table_name") == LayerName && row.GetValueOrDefault("useAsDefault") == "1")
                    {
                        return row;
                    }
                }
            }

            return null;
        }
    }

    private static unsafe long CopyPolygons(IntPtr source, IntPtr target, VectorFile output, ClassLegend legend, PolygonOptions options, CancellationToken cancellationToken)
    {
        var reader = new WKBReader();
        var writer = new WKBWriter(ByteOrder.LittleEndian);
        IntPtr definition = GdalNative.OGR_L_GetLayerDefn(target);
        long written = 0;
        output.Begin();
        GdalNative.OGR_L_ResetReading(source);
        for (IntPtr feature; (feature = GdalNative.OGR_L_GetNextFeature(source)) != IntPtr.Zero;)
        {
            using (GdalOwnedHandle.Feature(feature))
            {
                if ((written & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                int value = GdalNative.OGR_F_GetFieldAsInteger(feature, 0);
                IntPtr geometry = GdalNative.OGR_F_GetGeometryRef(feature);
                if (value < 0 || value >= legend.Count || geometry == IntPtr.Zero)
                {
                    continue;
                }

                var wkb = new byte[GdalNative.OGR_G_WkbSize(geometry)];
                fixed (byte* p = wkb)
                {
                    GdalNative.OGR_G_ExportToWkb(geometry, GdalNative.WkbNdr, p);
                }

                Geometry polygon = reader.Read(wkb);
                if (polygon.Area < options.MinimumArea)
                {
                    continue;
                }

                if (options.SimplifyTolerance > 0)
                {
                    polygon = TopologyPreservingSimplifier.Simplify(polygon, options.SimplifyTolerance);
                }

                if (polygon is Polygon single)
                {
                    polygon = new MultiPolygon([single]);
                }

                WriteFeature(target, definition, writer.Write(polygon), value, legend.Entries[value].Name, polygon.Area);
                written++;
            }
        }

        output.Commit();
        return written;
    }

    private static unsafe void WriteFeature(IntPtr layer, IntPtr definition, byte[] wkb, int value, string name, double area)
    {
        IntPtr feature = GdalNative.OGR_F_Create(definition);
        using (GdalOwnedHandle.Feature(feature))
        {
            GdalNative.OGR_F_SetFieldInteger(feature, 0, value);
            GdalNative.OGR_F_SetFieldString(feature, 1, name);
            GdalNative.OGR_F_SetFieldDouble(feature, 2, area);
            IntPtr geometry;
            fixed (byte* p = wkb)
            {
                if (GdalNative.OGR_G_CreateFromWkb(p, IntPtr.Zero, out geometry, wkb.Length) != 0)
                {
                    throw new GdalException("GDAL could not read back a simplified polygon.");
                }
            }

            GdalNative.OGR_F_SetGeometryDirectly(feature, geometry);
            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.OGR_L_CreateFeature(layer, feature) != 0, "Could not write a polygon (disk full?).");
        }
    }

    private static void WriteDefaultStyle(VectorFile output, IntPtr polygons, ClassLegend legend)
    {
        string geometryColumn = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GdalNative.OGR_L_GetGeometryColumn(polygons)) is { Length: > 0 } g ? g : "geom";
        IntPtr styles = output.CreateLayer(StylesTable, IntPtr.Zero, GdalNative.WkbNone);
        (string Name, int Type)[] fields =
        [
            ("f_table_catalog", GdalNative.OftString), ("f_table_schema", GdalNative.OftString), ("f_table_name", GdalNative.OftString),
            ("f_geometry_column", GdalNative.OftString), ("styleName", GdalNative.OftString), ("styleQML", GdalNative.OftString),
            ("styleSLD", GdalNative.OftString), ("useAsDefault", GdalNative.OftInteger), ("description", GdalNative.OftString),
            ("owner", GdalNative.OftString), ("ui", GdalNative.OftString), ("update_time", GdalNative.OftDateTime),
        ];
        foreach (var (name, type) in fields)
        {
            AddField(styles, name, type, output.Path, name == "useAsDefault" ? GdalNative.OfstBoolean : 0);
        }

        IntPtr feature = GdalNative.OGR_F_Create(GdalNative.OGR_L_GetLayerDefn(styles));
        using (GdalOwnedHandle.Feature(feature))
        {
            // QGIS finds a layer's default style by catalog = schema = '' (not NULL), table, geometry column and useAsDefault.
            string[] values = ["", "", LayerName, geometryColumn, LayerName, QgisStyle.CategorisedPolygons(legend, "class")];
            for (int i = 0; i < values.Length; i++)
            {
                GdalNative.OGR_F_SetFieldString(feature, i, values[i]);
            }

            GdalNative.OGR_F_SetFieldInteger(feature, 7, 1);
            GdalNative.OGR_F_SetFieldString(feature, 8, "Classes in the colours of the mask's legend (written by adaptseg)");
            GdalNative.OGR_F_SetFieldString(feature, 11, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            output.Begin();
            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.OGR_L_CreateFeature(styles, feature) != 0, $"Could not write the layer style to '{output.Path}' (disk full?).", output.Path);
            output.Commit();
        }
    }

    private static void AddField(IntPtr layer, string name, int type, string path, int subType = 0)
    {
        IntPtr field = GdalNative.OGR_Fld_Create(name, type);
        try
        {
            if (subType != 0)
            {
                GdalNative.OGR_Fld_SetSubType(field, subType);
            }

            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.OGR_L_CreateField(layer, field, 1) != 0, $"Could not add field '{name}' to '{path}'.", path);
        }
        finally
        {
            GdalNative.OGR_Fld_Destroy(field);
        }
    }

    /// <summary>A GeoPackage being written; closes on dispose.</summary>
    private sealed class VectorFile : IDisposable
    {
        private readonly GdalDatasetHandle dataset;

        private VectorFile(GdalDatasetHandle dataset, string path)
        {
            this.dataset = dataset;
            Path = path;
        }

        public string Path { get; }

        private IntPtr Handle => !dataset.IsClosed ? dataset.DangerousGetHandle() : throw new ObjectDisposedException(Path);

        public static VectorFile Create(string path)
        {
            Gdal.Initialize();
            IntPtr driver = GdalNative.GDALGetDriverByName("GPKG");
            if (driver == IntPtr.Zero)
            {
                throw new GdalException("GDAL has no GPKG driver; install a GDAL build with GeoPackage support.");
            }

            Gdal.ClearError();
            var h = new GdalDatasetHandle(GdalNative.GDALCreate(driver, path, 0, 0, 0, (int)RasterDataType.Unknown, IntPtr.Zero));
            Gdal.ThrowIf(h.IsInvalid, $"Could not create the GeoPackage '{path}'.", path);
            return new VectorFile(h, path);
        }

        public IntPtr CreateLayer(string name, IntPtr srs, int geometryType)
        {
            Gdal.ClearError();
            IntPtr layer = GdalNative.GDALDatasetCreateLayer(Handle, name, srs, geometryType, IntPtr.Zero);
            Gdal.ThrowIf(layer == IntPtr.Zero, $"Could not create layer '{name}' in '{Path}'.", Path);
            return layer;
        }

        public void Begin() => GdalNative.GDALDatasetStartTransaction(Handle, 0);

        public void Commit()
        {
            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.GDALDatasetCommitTransaction(Handle) != 0, $"Could not write the polygons to '{Path}' (disk full?).", Path);
        }

        public void Dispose() => dataset.Dispose();
    }
}
