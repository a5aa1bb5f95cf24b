using System.Runtime.InteropServices;
using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Writes and reads a class band's styling: colour table (palette index interpretation), GDAL
/// category names, band metadata <c>CLASS_i</c> and a thematic raster attribute table with
/// columns <c>Value</c>, <c>Class</c>, <c>Red</c>, <c>Green</c>, <c>Blue</c>. The GTiff driver keeps the
/// colour table and metadata in the TIFF and the category names and RAT in the PAM sidecar
/// (<c>.aux.xml</c>) written when the dataset closes; keep the two files together.
/// </summary>
public static class RasterClassStyle
{
    /// <summary>Applies <paramref name="legend"/> to band <paramref name="band"/> (1-based) of a dataset open for writing.</summary>
    public static void Apply(GdalDataset dataset, int band, ClassLegend legend)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(legend);
        IntPtr h = BandHandle(dataset, band);

        using (var colours = GdalOwnedHandle.ColorTable(GdalNative.GDALCreateColorTable(GdalNative.GpiRgb)))
        {
            IntPtr table = colours.Pointer;
            for (int i = 0; i < 256; i++)
            {
                // Unused values are transparent black; nodata too.
                var entry = new GdalNative.ColorEntry();
                if (i < legend.Count)
                {
                    ClassEntry e = legend.Entries[i];
                    entry = new GdalNative.ColorEntry { C1 = e.Red, C2 = e.Green, C3 = e.Blue, C4 = 255 };
                }

                GdalNative.GDALSetColorEntry(table, i, entry);
            }

            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.GDALSetRasterColorTable(h, table) != GdalNative.CeNone, $"Could not set the colour table of '{dataset.Path}'.", dataset.Path);
        }

        GdalNative.GDALSetRasterColorInterpretation(h, GdalNative.GciPaletteIndex);

        // Category names are indexed by value: fill the gap up to 255 so "nodata" lands on 255.
        var names = new List<string>(256);
        names.AddRange(legend.Names);
        while (names.Count < ClassLegend.NoData)
        {
            names.Add("");
        }

        names.Add("nodata");
        using (var list = new CStringList(names))
        {
            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.GDALSetRasterCategoryNames(h, list.Pointer) != GdalNative.CeNone, $"Could not set the class names of '{dataset.Path}'.", dataset.Path);
        }

        foreach (ClassEntry e in legend.Entries)
        {
            GdalNative.GDALSetMetadataItem(h, $"CLASS_{e.Value}", e.Name, null);
        }

        GdalNative.GDALSetMetadataItem(h, $"CLASS_{ClassLegend.NoData}", "nodata", null);

        using (var attributes = GdalOwnedHandle.AttributeTable(GdalNative.GDALCreateRasterAttributeTable()))
        {
            IntPtr rat = attributes.Pointer;
            GdalNative.GDALRATCreateColumn(rat, "Value", GdalNative.GftInteger, GdalNative.GfuMinMax);
            GdalNative.GDALRATCreateColumn(rat, "Class", GdalNative.GftString, GdalNative.GfuName);
            GdalNative.GDALRATCreateColumn(rat, "Red", GdalNative.GftInteger, GdalNative.GfuRed);
            GdalNative.GDALRATCreateColumn(rat, "Green", GdalNative.GftInteger, GdalNative.GfuGreen);
            GdalNative.GDALRATCreateColumn(rat, "Blue", GdalNative.GftInteger, GdalNative.GfuBlue);
            GdalNative.GDALRATSetTableType(rat, GdalNative.GrttThematic);
            GdalNative.GDALRATSetRowCount(rat, legend.Count);
            for (int i = 0; i < legend.Count; i++)
            {
                ClassEntry e = legend.Entries[i];
                GdalNative.GDALRATSetValueAsInt(rat, i, 0, e.Value);
                GdalNative.GDALRATSetValueAsString(rat, i, 1, e.Name);
                GdalNative.GDALRATSetValueAsInt(rat, i, 2, e.Red);
                GdalNative.GDALRATSetValueAsInt(rat, i, 3, e.Green);
                GdalNative.GDALRATSetValueAsInt(rat, i, 4, e.Blue);
            }

            Gdal.ClearError();
            Gdal.ThrowIf(GdalNative.GDALSetDefaultRAT(h, rat) != GdalNative.CeNone, $"Could not set the attribute table of '{dataset.Path}'.", dataset.Path);
        }
    }

    /// <summary>The category names of a band (index = pixel value), empty when it has none.</summary>
    public static IReadOnlyList<string> ReadCategoryNames(GdalDataset dataset, int band)
    {
        IntPtr list = GdalNative.GDALGetRasterCategoryNames(BandHandle(dataset, band));
        var names = new List<string>();
        if (list == IntPtr.Zero)
        {
            return names;
        }

        for (int i = 0; ; i++)
        {
            IntPtr item = Marshal.ReadIntPtr(list, i * IntPtr.Size);
            if (item == IntPtr.Zero)
            {
                return names;
            }

            names.Add(Marshal.PtrToStringUTF8(item) ?? "");
        }
    }

    /// <summary>The colour table of a band as (R, G, B, A) per value, empty when it has none.</summary>
    public static IReadOnlyList<(short R, short G, short B, short A)> ReadColorTable(GdalDataset dataset, int band)
    {
        IntPtr table = GdalNative.GDALGetRasterColorTable(BandHandle(dataset, band));
        var colours = new List<(short, short, short, short)>();
        if (table == IntPtr.Zero)
        {
            return colours;
        }

        int n = GdalNative.GDALGetColorEntryCount(table);
        for (int i = 0; i < n; i++)
        {
            GdalNative.GDALGetColorEntryAsRGB(table, i, out GdalNative.ColorEntry e);
            colours.Add((e.C1, e.C2, e.C3, e.C4));
        }

        return colours;
    }

    /// <summary>A band's colour interpretation as GDAL names it (<c>Undefined</c>, <c>Gray</c>, <c>Palette</c>, <c>Red</c>, ...).</summary>
    public static string ReadColorInterpretation(GdalDataset dataset, int band) =>
        GdalNative.GDALGetRasterColorInterpretation(BandHandle(dataset, band)) switch
        {
            0 => "Undefined",
            1 => "Gray",
            2 => "Palette",
            3 => "Red",
            4 => "Green",
            5 => "Blue",
            6 => "Alpha",
            int other => $"GCI {other}",
        };

    /// <summary>The raster attribute table of a band: column names and rows of values as text; empty when none.</summary>
    public static (IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows) ReadAttributeTable(GdalDataset dataset, int band)
    {
        IntPtr rat = GdalNative.GDALGetDefaultRAT(BandHandle(dataset, band));
        if (rat == IntPtr.Zero)
        {
            return ([], []);
        }

        int columns = GdalNative.GDALRATGetColumnCount(rat);
        int rows = GdalNative.GDALRATGetRowCount(rat);
        var names = Enumerable.Range(0, columns).Select(c => Marshal.PtrToStringUTF8(GdalNative.GDALRATGetNameOfCol(rat, c)) ?? "").ToList();
        var values = new List<IReadOnlyList<string>>(rows);
        for (int r = 0; r < rows; r++)
        {
            values.Add([.. Enumerable.Range(0, columns).Select(c => Marshal.PtrToStringUTF8(GdalNative.GDALRATGetValueAsString(rat, r, c)) ?? "")]);
        }

        return (names, values);
    }

    /// <summary>
    /// The class names a mask carries: its category names up to the last named class, else its
    /// RAT's names, else band metadata <c>CLASS_0..</c> (kept inside the TIFF); null when it has none.
    /// Open the mask with <see cref="PamDataset.Open"/> to see the sidecar-held ones.
    /// </summary>
    public static IReadOnlyList<string>? ReadClassNames(GdalDataset dataset, int band)
    {
        var categories = ReadCategoryNames(dataset, band).Take(ClassLegend.NoData).ToList();
        while (categories.Count > 0 && string.IsNullOrEmpty(categories[^1]))
        {
            categories.RemoveAt(categories.Count - 1);
        }

        if (categories.Count > 0)
        {
            return categories;
        }

        var (columns, rows) = ReadAttributeTable(dataset, band);
        int nameColumn = columns.ToList().FindIndex(c => c is "Class" or "class" or "Name" or "name");
        if (nameColumn >= 0 && rows.Count > 0)
        {
            return [.. rows.Select(r => r[nameColumn])];
        }

        IntPtr h = BandHandle(dataset, band);
        var fromMetadata = new List<string>();
        while (fromMetadata.Count < ClassLegend.NoData
               && Marshal.PtrToStringUTF8(GdalNative.GDALGetMetadataItem(h, $"CLASS_{fromMetadata.Count}", null)) is { } name)
        {
            fromMetadata.Add(name);
        }

        return fromMetadata.Count > 0 ? fromMetadata : null;
    }

    private static IntPtr BandHandle(GdalDataset dataset, int band)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (band < 1 || band > dataset.BandCount)
        {
            throw new ArgumentOutOfRangeException(nameof(band), band, $"'{dataset.Path}' has {dataset.BandCount} band(s); band numbers start at 1.");
        }

        return GdalNative.GDALGetRasterBand(dataset.DangerousHandle, band);
    }
}
