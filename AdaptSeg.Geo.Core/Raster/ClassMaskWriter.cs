namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Writes a class mask: a uint8 GeoTIFF on the grid (CRS, geotransform, size) of the input, tiled
/// 512x512, DEFLATE or ZSTD, <c>BIGTIFF=IF_SAFER</c>, nodata 255, with the legend as colour table,
/// category names and raster attribute table (<see cref="RasterClassStyle"/>); optionally as a
/// COG with MODE or NEAREST overviews. Beside it a QGIS style <c>NAME.qml</c> (<see cref="QgisStyle"/>)
/// lists only the legend's classes. Rows arrive top to bottom through <see cref="IPredictionSink"/>;
/// the files get their names only at <see cref="Commit"/>.
/// </summary>
public sealed class ClassMaskWriter : IPredictionSink, IDisposable
{
    private readonly PendingOutput output;
    private readonly PendingOutput style;
    private readonly ClassLegend legend;
    private readonly MaskOutputOptions options;
    private readonly string stagePath;
    private GdalDataset? dataset;

    private ClassMaskWriter(string path, GdalDataset grid, ClassLegend legend, MaskOutputOptions options)
    {
        options.Validate();
        this.legend = legend;
        this.options = options;
        if (QgisStyle.SidecarPathFor(System.IO.Path.GetFullPath(path)) == System.IO.Path.GetFullPath(path))
        {
            throw new ArgumentException($"The mask '{System.IO.Path.GetFullPath(path)}' would be overwritten by its own QGIS style sidecar; name it .tif.", nameof(path));
        }

        output = new PendingOutput(path);
        style = new PendingOutput(QgisStyle.SidecarPathFor(output.FinalPath));
        stagePath = options.Cog ? output.TemporaryPath + ".stage.tif" : output.TemporaryPath;
        try
        {
            dataset = GdalDataset.Create("GTiff", stagePath, grid.Width, grid.Height, 1, RasterDataType.Byte, options.GTiffOptions);
            CopyGrid(grid, dataset);
            dataset.SetNoData(1, ClassLegend.NoData);
            RasterClassStyle.Apply(dataset, 1, legend);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The final path.</summary>
    public string Path => output.FinalPath;

    /// <summary>Width of the mask.</summary>
    public int Width => Open.Width;

    /// <summary>Starts a mask for <paramref name="grid"/> (usually the input raster) at <paramref name="path"/>.</summary>
    public static ClassMaskWriter Create(string path, GdalDataset grid, ClassLegend legend, MaskOutputOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(legend);
        return new ClassMaskWriter(path, grid, legend, options ?? new MaskOutputOptions());
    }

    /// <inheritdoc />
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classes, ReadOnlySpan<float> probabilities) =>
        Open.Write(1, new PixelWindow(0, firstRow, Open.Width, rowCount), classes);

    /// <summary>Sets a dataset-level metadata item (for example how the mask was made) before <see cref="Commit"/>.</summary>
    public void SetMetadataItem(string name, string value)
    {
        Gdal.ClearError();
        Gdal.ThrowIf(Interop.GdalNative.GDALSetMetadataItem(Open.DangerousHandle, name, value, null) != Interop.GdalNative.CeNone,
            $"Could not set the metadata item '{name}' of '{Path}'.", Path);
    }

    /// <summary>The QGIS style written beside the mask.</summary>
    public string StylePath => style.FinalPath;

    /// <summary>
    /// Finishes the file under its temporary name (COG conversion if asked) and its QGIS style
    /// without naming them; <see cref="Outputs"/> are then ready for <see cref="PendingOutput.CommitAll"/>.
    /// </summary>
    public void Finish()
    {
        GdalDataset written = Open;
        ClassMaskWriter.FlushChecked(written);
        written.Dispose();
        dataset = null;
        if (options.Cog)
        {
            // The COG copy carries the colour table, metadata, category names and attribute table
            // itself; touching the copy afterwards would rewrite its header and break the COG layout.
            CogCopy(stagePath, output.TemporaryPath, options, options.OverviewResampling, null);
            DeleteWithSidecar(stagePath);
        }

        File.WriteAllText(style.TemporaryPath, QgisStyle.PalettedRaster(legend));
    }

    /// <summary>Finishes the file and renames it and its QGIS style to their final names, both or neither.</summary>
    public void Commit()
    {
        Finish();
        PendingOutput.CommitAll(Outputs);
    }

    /// <summary>The pending output behind this writer (its temporary and final names).</summary>
    public PendingOutput Output => output;

    /// <summary>The mask and its QGIS style, committed together.</summary>
    public IReadOnlyList<PendingOutput> Outputs => [output, style];

    /// <summary>Closes and deletes the temporary files unless committed.</summary>
    public void Dispose()
    {
        dataset?.Dispose();
        dataset = null;
        if (options.Cog)
        {
            DeleteWithSidecar(stagePath);
        }

        output.Dispose();
        style.Dispose();
    }

    /// <summary>Copies CRS and geotransform from <paramref name="grid"/>.</summary>
    internal static void CopyGrid(GdalDataset grid, GdalDataset target)
    {
        if (!string.IsNullOrEmpty(grid.ProjectionWkt))
        {
            target.ProjectionWkt = grid.ProjectionWkt;
        }

        if (grid.GeoTransform is GeoTransform transform)
        {
            target.SetGeoTransform(transform);
        }
    }

    /// <summary>
    /// Copies a finished GeoTIFF to a COG. The copy carries the source's colour table, metadata,
    /// band descriptions and PAM-held styling (category names, RAT, into its own sidecar);
    /// <paramref name="style"/>, when given, may only touch PAM-held items, never the TIFF itself.
    /// </summary>
    internal static void CogCopy(string source, string destination, MaskOutputOptions options, string resampling, Action<GdalDataset>? style)
    {
        using var staged = GdalDataset.Open(source);
        using GdalDataset cog = staged.CreateCopy("COG", destination, options.CogOptions(resampling));
        style?.Invoke(cog);
    }

    /// <summary>Writes GDAL's cached blocks and throws if GDAL reported an error while doing so.</summary>
    internal static void FlushChecked(GdalDataset dataset) => dataset.Flush();

    internal static void DeleteWithSidecar(string path)
    {
        foreach (string p in new[] { path, path + ".aux.xml" })
        {
            try
            {
                File.Delete(p);
            }
            catch (IOException)
            {
                // Best effort cleanup of a temporary file.
            }
        }
    }

    private GdalDataset Open => dataset ?? throw new ObjectDisposedException(nameof(ClassMaskWriter), $"The mask '{Path}' is already finished or abandoned.");
}
