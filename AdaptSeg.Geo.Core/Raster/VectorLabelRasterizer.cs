using System.Globalization;
using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Burns vector labels (GeoPackage, GeoJSON, any OGR source) onto a scene's grid frame as uint8
/// with 255 = ignore where no polygon lies. The class field holds either class indices (integers)
/// or class names; every value found is checked against the class list first. The vectors are
/// reprojected to the frame's CRS (ogr2ogr in memory), then burnt with GDALRasterize.
/// </summary>
public static class VectorLabelRasterizer
{
    /// <summary>Rasterises <paramref name="vectorPath"/> onto <paramref name="frame"/> at <paramref name="destinationPath"/>.</summary>
    public static void Rasterize(string vectorPath, string? layerName, string classField, IReadOnlyList<string> classNames,
        GridFrame frame, string destinationPath, string? assumeCrs = null, CancellationToken cancellationToken = default)
    {
        Gdal.Initialize();
        if (!File.Exists(vectorPath))
        {
            throw new FileNotFoundException($"Vector labels '{vectorPath}' do not exist. Check the path.", vectorPath);
        }

        Gdal.ClearError();
        IntPtr source = GdalNative.GDALOpenEx(vectorPath, GdalNative.OfVector | GdalNative.OfVerbose, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        Gdal.ThrowIf(source == IntPtr.Zero, $"Could not open '{vectorPath}' as vectors: is it a readable GeoPackage or GeoJSON file?", vectorPath);
        using (new GdalDatasetHandle(source))
        {
            IntPtr layer = FindLayer(source, layerName, vectorPath);
            string layerNameFound = Marshal.PtrToStringUTF8(GdalNative.OGR_L_GetName(layer)) ?? "";
            IntPtr definition = GdalNative.OGR_L_GetLayerDefn(layer);
            int field = GdalNative.OGR_FD_GetFieldIndex(definition, classField);
            if (field < 0)
            {
                var names = Enumerable.Range(0, GdalNative.OGR_FD_GetFieldCount(definition))
                    .Select(i => Marshal.PtrToStringUTF8(GdalNative.OGR_Fld_GetNameRef(GdalNative.OGR_FD_GetFieldDefn(definition, i))));
                throw new ArgumentException($"'{vectorPath}' (layer '{layerNameFound}') has no field '{classField}'; its fields are: {string.Join(", ", names)}. Name the class field.");
            }

            int type = GdalNative.OGR_Fld_GetType(GdalNative.OGR_FD_GetFieldDefn(definition, field));
            bool byName = type == GdalNative.OftString;
            CheckValues(layer, field, byName, classNames, vectorPath, classField);

            string? sourceCrs = null;
            if (GdalNative.OGR_L_GetSpatialRef(layer) == IntPtr.Zero)
            {
                sourceCrs = !string.IsNullOrWhiteSpace(assumeCrs) ? assumeCrs
                    : throw new GdalException($"'{vectorPath}' has no coordinate reference system. Give one with PrepareConfig.AssumeCrs, or fix the file (ogr2ogr -a_srs).", null, vectorPath);
            }

            string code = byName
                ? "CASE " + Quote(classField) + " " + string.Concat(classNames.Select((n, i) => $"WHEN '{n.Replace("'", "''", StringComparison.Ordinal)}' THEN {i} ")) + "ELSE 255 END"
                : $"CAST({Quote(classField)} AS INTEGER)";
            var translate = new List<string>
            {
                "-f", "Memory", "-t_srs", frame.CrsWkt, "-dialect", "SQLITE",
                "-sql", $"SELECT *, {code} AS adaptseg_class FROM {Quote(layerNameFound)}",
            };
            if (sourceCrs is not null)
            {
                translate.AddRange(["-s_srs", sourceCrs]);
            }

            cancellationToken.ThrowIfCancellationRequested();
            IntPtr reprojected = VectorTranslate(source, translate, vectorPath);
            using (new GdalDatasetHandle(reprojected))
            {
                BurnInto(reprojected, frame, destinationPath, vectorPath);
            }
        }

        using GdalDataset written = GdalDataset.Open(destinationPath, update: true);
        written.SetGeoTransform(frame.Transform);
    }

    private static IntPtr FindLayer(IntPtr source, string? layerName, string path)
    {
        int count = GdalNative.GDALDatasetGetLayerCount(source);
        var names = Enumerable.Range(0, count).Select(i => Marshal.PtrToStringUTF8(GdalNative.OGR_L_GetName(GdalNative.GDALDatasetGetLayer(source, i)))).ToList();
        if (layerName is not null)
        {
            IntPtr named = GdalNative.GDALDatasetGetLayerByName(source, layerName);
            return named != IntPtr.Zero ? named
                : throw new ArgumentException($"'{path}' has no layer '{layerName}'; its layers are: {string.Join(", ", names)}.");
        }

        return count switch
        {
            1 => GdalNative.GDALDatasetGetLayer(source, 0),
            0 => throw new ArgumentException($"'{path}' holds no vector layer."),
            _ => throw new ArgumentException($"'{path}' has {count} layers ({string.Join(", ", names)}); name the one holding the labels (labelLayer)."),
        };
    }

    private static void CheckValues(IntPtr layer, int field, bool byName, IReadOnlyList<string> classNames, string path, string classField)
    {
        var outside = new SortedSet<string>(StringComparer.Ordinal);
        GdalNative.OGR_L_ResetReading(layer);
        for (IntPtr feature; (feature = GdalNative.OGR_L_GetNextFeature(layer)) != IntPtr.Zero;)
        {
            using (GdalOwnedHandle.Feature(feature))
            {
                if (GdalNative.OGR_F_IsFieldSetAndNotNull(feature, field) == 0)
                {
                    outside.Add("(null)");
                    continue;
                }

                string value = Marshal.PtrToStringUTF8(GdalNative.OGR_F_GetFieldAsString(feature, field)) ?? "";
                bool ok = byName
                    ? classNames.Contains(value, StringComparer.Ordinal)
                    : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                      && v == Math.Floor(v) && ((v >= 0 && v < classNames.Count) || v == GridWarper.IgnoreLabel);
                if (!ok)
                {
                    outside.Add(value);
                }
            }
        }

        GdalNative.OGR_L_ResetReading(layer);
        if (outside.Count > 0)
        {
            string expected = byName
                ? $"one of the class names {string.Join(", ", classNames)}"
                : $"a class index 0..{classNames.Count - 1} ({string.Join(", ", classNames.Select((n, i) => $"{i}={n}"))}) or 255 for ignore";
            throw new LabelValueException(path, $"Field '{classField}' of '{path}' holds values outside the class list: {string.Join(", ", outside)}. Each value must be {expected}. Fix the vectors or the class list.",
                outside.ToArray());
        }
    }

    private static unsafe IntPtr VectorTranslate(IntPtr source, IReadOnlyList<string> arguments, string path)
    {
        using var argv = new CStringList(arguments);
        Gdal.ClearError();
        IntPtr options = GdalNative.GDALVectorTranslateOptionsNew(argv.Pointer, IntPtr.Zero);
        Gdal.ThrowIf(options == IntPtr.Zero, $"Invalid vector options: {string.Join(' ', arguments)}.", path);
        using (GdalOwnedHandle.VectorTranslateOptions(options))
        {
            IntPtr result = GdalNative.GDALVectorTranslate("adaptseg-labels", IntPtr.Zero, 1, &source, options, out int usageError);
            Gdal.ThrowIf(result == IntPtr.Zero || usageError != 0, $"Could not reproject the vectors of '{path}' to the grid CRS.", path);
            return result;
        }
    }

    private static void BurnInto(IntPtr vectors, GridFrame frame, string destinationPath, string path)
    {
        (double minX, double minY, double maxX, double maxY) = frame.Bounds;
        var arguments = new List<string>
        {
            "-a", "adaptseg_class", "-of", "GTiff", "-ot", "Byte", "-init", "255", "-a_nodata", "255",
            "-a_srs", frame.CrsWkt,
            "-te", GridWarper.Format(minX), GridWarper.Format(minY), GridWarper.Format(maxX), GridWarper.Format(maxY),
            "-ts", frame.Width.ToString(CultureInfo.InvariantCulture), frame.Height.ToString(CultureInfo.InvariantCulture),
            "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "BIGTIFF=IF_SAFER",
        };
        using var argv = new CStringList(arguments);
        Gdal.ClearError();
        IntPtr options = GdalNative.GDALRasterizeOptionsNew(argv.Pointer, IntPtr.Zero);
        Gdal.ThrowIf(options == IntPtr.Zero, $"Invalid rasterize options: {string.Join(' ', arguments)}.", path);
        using (GdalOwnedHandle.RasterizeOptions(options))
        {
            IntPtr result = GdalNative.GDALRasterize(destinationPath, IntPtr.Zero, vectors, options, out int usageError);
            new GdalDatasetHandle(result).Dispose(); // closes it (nothing when GDAL returned none)

            Gdal.ThrowIf(result == IntPtr.Zero || usageError != 0, $"Rasterising the labels of '{path}' to '{destinationPath}' failed.", path);
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
