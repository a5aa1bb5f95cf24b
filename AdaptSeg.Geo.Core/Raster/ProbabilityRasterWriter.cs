using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Writes the blended class probabilities: one band per class (named after the class), on the
/// input's grid, as uint8 percent (nodata 255) or float32 (nodata NaN), tiled and compressed;
/// photometric MINISBLACK so that three or four bands are not taken for RGB(A): bands 2.. are tagged
/// undefined, band 1 reads as gray (the only thing a TIFF can say about its first sample);
/// optionally a COG (overviews averaged, which is right for probabilities). Named at <see cref="Commit"/>.
/// </summary>
public sealed class ProbabilityRasterWriter : IPredictionSink, IDisposable
{
    private readonly PendingOutput output;
    private readonly MaskOutputOptions options;
    private readonly ProbabilityFormat format;
    private readonly int classes;
    private readonly string stagePath;
    private GdalDataset? dataset;
    private byte[] bytes = [];
    private float[] floats = [];

    /// <summary>Starts a probability raster for <paramref name="grid"/> at <paramref name="path"/>.</summary>
    public ProbabilityRasterWriter(string path, GdalDataset grid, ClassLegend legend, ProbabilityFormat format, MaskOutputOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(legend);
        this.options = options ?? new MaskOutputOptions();
        this.options.Validate();
        this.format = format;
        classes = legend.Count;
        output = new PendingOutput(path);
        stagePath = this.options.Cog ? output.TemporaryPath + ".stage.tif" : output.TemporaryPath;
        try
        {
            var type = format == ProbabilityFormat.Percent ? RasterDataType.Byte : RasterDataType.Float32;
            dataset = GdalDataset.Create("GTiff", stagePath, grid.Width, grid.Height, classes, type, [.. this.options.GTiffOptions, "INTERLEAVE=BAND", "PHOTOMETRIC=MINISBLACK"]);
            ClassMaskWriter.CopyGrid(grid, dataset);
            for (int c = 1; c <= classes; c++)
            {
                dataset.SetNoData(c, format == ProbabilityFormat.Percent ? ClassLegend.NoData : double.NaN);
                IntPtr band = GdalNative.GDALGetRasterBand(dataset.DangerousHandle, c);
                GdalNative.GDALSetDescription(band, legend.Entries[c - 1].Name);
                GdalNative.GDALSetRasterColorInterpretation(band, GdalNative.GciUndefined);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The final path.</summary>
    public string Path => output.FinalPath;

    /// <inheritdoc />
    public void WriteRows(int firstRow, int rowCount, ReadOnlySpan<byte> classIndices, ReadOnlySpan<float> probabilities)
    {
        GdalDataset ds = Open;
        int width = ds.Width;
        int n = rowCount * width;
        var window = new PixelWindow(0, firstRow, width, rowCount);
        for (int c = 0; c < classes; c++)
        {
            if (format == ProbabilityFormat.Percent)
            {
                if (bytes.Length < n)
                {
                    bytes = new byte[n];
                }

                for (int r = 0; r < rowCount; r++)
                {
                    ReadOnlySpan<float> src = probabilities.Slice((r * classes + c) * width, width);
                    for (int x = 0; x < width; x++)
                    {
                        bytes[r * width + x] = classIndices[r * width + x] == ClassLegend.NoData
                            ? ClassLegend.NoData
                            : (byte)Math.Clamp(MathF.Round(src[x] * 100f), 0f, 100f);
                    }
                }

                ds.Write<byte>(c + 1, window, bytes.AsSpan(0, n));
            }
            else
            {
                if (floats.Length < n)
                {
                    floats = new float[n];
                }

                for (int r = 0; r < rowCount; r++)
                {
                    ReadOnlySpan<float> src = probabilities.Slice((r * classes + c) * width, width);
                    for (int x = 0; x < width; x++)
                    {
                        floats[r * width + x] = classIndices[r * width + x] == ClassLegend.NoData ? float.NaN : src[x];
                    }
                }

                ds.Write<float>(c + 1, window, floats.AsSpan(0, n));
            }
        }
    }

    /// <summary>
    /// Finishes the file under its temporary name (COG conversion if asked) without naming it;
    /// <see cref="Output"/> is then ready for <see cref="PendingOutput.CommitAll"/>.
    /// </summary>
    public void Finish()
    {
        GdalDataset written = Open;
        ClassMaskWriter.FlushChecked(written);
        written.Dispose();
        dataset = null;
        if (options.Cog)
        {
            ClassMaskWriter.CogCopy(stagePath, output.TemporaryPath, options, "AVERAGE", null);
            ClassMaskWriter.DeleteWithSidecar(stagePath);
        }
    }

    /// <summary>Finishes the file and renames it to <see cref="Path"/>.</summary>
    public void Commit()
    {
        Finish();
        output.Commit();
    }

    /// <summary>The pending output behind this writer (its temporary and final names).</summary>
    public PendingOutput Output => output;

    /// <summary>Closes and deletes the temporary files unless committed.</summary>
    public void Dispose()
    {
        dataset?.Dispose();
        dataset = null;
        if (options.Cog)
        {
            ClassMaskWriter.DeleteWithSidecar(stagePath);
        }

        output.Dispose();
    }

    private GdalDataset Open => dataset ?? throw new ObjectDisposedException(nameof(ProbabilityRasterWriter), $"'{Path}' is already finished or abandoned.");
}
