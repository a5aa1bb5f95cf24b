using AdaptSeg.Geo.Raster.Interop;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Reads windows of the selected bands of a raster as float32, channels first
/// (<c>[bands, height, width]</c>), with a validity mask: a pixel is invalid when ANY selected
/// band is nodata there, is NaN, or is masked by GDAL's mask band (a per-dataset mask, an
/// alpha band or a <c>.msk</c> file). Byte, UInt16, Int16 and Float32 rasters are read directly;
/// other numeric types are converted by GDAL. Only the window is read, never the whole raster.
/// Not thread-safe (one GDAL dataset handle): give each thread its own reader.
/// </summary>
public sealed class BandReader : IDisposable
{
    private readonly GdalDataset dataset;
    private readonly bool ownsDataset;
    private readonly BandSource[] sources;
    private readonly bool perDatasetMask;
    private byte[] maskBuffer = [];

    /// <summary>Opens <paramref name="path"/> and selects <paramref name="bands"/> (all bands when null).</summary>
    public static BandReader Open(string path, BandMap? bands = null) => new(GdalDataset.Open(path), bands, ownsDataset: true);

    /// <summary>Reads from an open dataset the caller keeps owning.</summary>
    public BandReader(GdalDataset dataset, BandMap? bands = null)
        : this(dataset, bands, ownsDataset: false)
    {
    }

    private BandReader(GdalDataset dataset, BandMap? bands, bool ownsDataset)
    {
        this.dataset = dataset;
        this.ownsDataset = ownsDataset;
        try
        {
            Bands = bands ?? BandMap.All(dataset.BandCount);
            Bands.CheckAgainst(dataset.BandCount, dataset.Path);
            sources = new BandSource[Bands.Count];
            for (int i = 0; i < Bands.Count; i++)
            {
                int b = Bands.Bands[i];
                RasterDataType type = dataset.GetDataType(b);
                if (type == RasterDataType.Unknown || (int)type > (int)RasterDataType.Float64)
                {
                    throw new NotSupportedException($"Band {b} of '{dataset.Path}' has GDAL type {(int)type}; use Byte, UInt16, Int16 or Float32 imagery (convert with gdal_translate -ot Float32).");
                }

                IntPtr band = GdalNative.GDALGetRasterBand(dataset.DangerousHandle, b);
                int flags = GdalNative.GDALGetMaskFlags(band);
                double? noData = dataset.GetNoData(b);
                bool useMaskBand = (flags & (GdalNative.GmfAllValid | GdalNative.GmfNoData)) == 0;
                perDatasetMask |= useMaskBand && (flags & GdalNative.GmfPerDataset) != 0;
                sources[i] = new BandSource(b, type, noData is double v ? (float)v : null, useMaskBand ? GdalNative.GDALGetMaskBand(band) : IntPtr.Zero);
            }
        }
        catch
        {
            if (ownsDataset)
            {
                dataset.Dispose();
            }

            throw;
        }
    }

    /// <summary>The selected bands, in channel order.</summary>
    public BandMap Bands { get; }

    /// <summary>Number of channels read.</summary>
    public int ChannelCount => Bands.Count;

    /// <summary>Raster width.</summary>
    public int Width => dataset.Width;

    /// <summary>Raster height.</summary>
    public int Height => dataset.Height;

    /// <summary>The file being read.</summary>
    public string Path => dataset.Path;

    /// <summary>The pixel type of each selected band.</summary>
    public IReadOnlyList<RasterDataType> DataTypes => sources.Select(s => s.Type).ToArray();

    /// <summary>The nodata value of each selected band (null when unset).</summary>
    public IReadOnlyList<double?> NoDataValues => sources.Select(s => s.NoData is float f ? (double?)f : null).ToArray();

    /// <summary>Whether any selected band carries a GDAL mask band (alpha, per-dataset mask, .msk) rather than nodata.</summary>
    public bool HasMaskBand => sources.Any(s => s.MaskBand != IntPtr.Zero);

    /// <summary>
    /// Reads <paramref name="window"/> into <paramref name="channelsFirst"/> (length bands*w*h) and
    /// writes <c>true</c> in <paramref name="valid"/> (length w*h) where every band holds data.
    /// Returns the number of valid pixels.
    /// </summary>
    public int Read(PixelWindow window, Span<float> channelsFirst, Span<bool> valid)
    {
        int area = checked((int)window.Area);
        if (channelsFirst.Length < area * ChannelCount || valid.Length < area)
        {
            throw new ArgumentException($"Buffers too small for {window} x {ChannelCount} channels: need {area * ChannelCount} values and {area} flags.");
        }

        valid[..area].Fill(true);
        bool datasetMaskRead = false;
        for (int c = 0; c < sources.Length; c++)
        {
            BandSource s = sources[c];
            Span<float> plane = channelsFirst.Slice(c * area, area);
            dataset.Read(s.Band, window, plane);
            for (int i = 0; i < area; i++)
            {
                float v = plane[i];
                if (float.IsNaN(v) || (s.NoData is float nd && v == nd))
                {
                    valid[i] = false;
                }
            }

            if (s.MaskBand != IntPtr.Zero && !(perDatasetMask && datasetMaskRead))
            {
                ReadMask(s, window, valid[..area]);
                datasetMaskRead = true;
            }
        }

        int count = 0;
        foreach (bool v in valid[..area])
        {
            count += v ? 1 : 0;
        }

        return count;
    }

    /// <summary>Reads one selected channel (0-based) in its own type, without conversion.</summary>
    public void ReadChannel<T>(int channel, PixelWindow window, Span<T> buffer) where T : unmanaged =>
        dataset.Read(sources[channel].Band, window, buffer);

    public void Dispose()
    {
        if (ownsDataset)
        {
            dataset.Dispose();
        }
    }

    private unsafe void ReadMask(BandSource s, PixelWindow window, Span<bool> valid)
    {
        int area = valid.Length;
        if (maskBuffer.Length < area)
        {
            maskBuffer = new byte[area];
        }

        fixed (byte* p = maskBuffer)
        {
            Gdal.ClearError();
            int result = GdalNative.GDALRasterIO(s.MaskBand, GdalNative.GfRead, window.Column, window.Row, window.Width, window.Height,
                p, window.Width, window.Height, (int)RasterDataType.Byte, 0, 0);
            Gdal.ThrowIf(result != GdalNative.CeNone, $"Could not read the mask of band {s.Band} in {window} from '{Path}': the file may be truncated or corrupt.", Path);
        }

        for (int i = 0; i < area; i++)
        {
            if (maskBuffer[i] == 0)
            {
                valid[i] = false;
            }
        }
    }

    private readonly record struct BandSource(int Band, RasterDataType Type, float? NoData, IntPtr MaskBand);
}
