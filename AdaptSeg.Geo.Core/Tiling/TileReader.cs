using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tiling;

/// <summary>
/// Reads tiles of chosen bands as float32, padded to a square tile by repeating the last row and
/// column, with a validity mask: a pixel is invalid when any selected band holds its nodata
/// value, or NaN. Not thread-safe (it owns reusable buffers); give each thread its own.
/// </summary>
public sealed class TileReader
{
    private readonly GdalDataset dataset;
    private readonly int[] bands;
    private readonly double?[] noData;
    private float[] scratch = [];

    /// <summary>A reader of <paramref name="bands"/> (1-based, in the order the predictor expects) of <paramref name="dataset"/>.</summary>
    public TileReader(GdalDataset dataset, IReadOnlyList<int> bands)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(bands);
        if (bands.Count == 0)
        {
            throw new ArgumentException("The band list is empty; give at least one band (1-based).", nameof(bands));
        }

        foreach (int b in bands)
        {
            if (b < 1 || b > dataset.BandCount)
            {
                throw new ArgumentOutOfRangeException(nameof(bands), b, $"Band {b} does not exist in '{dataset.Path}', which has {dataset.BandCount} band(s) numbered from 1.");
            }
        }

        this.dataset = dataset;
        this.bands = [.. bands];
        noData = [.. this.bands.Select(dataset.GetNoData)];
    }

    /// <summary>The bands read, 1-based.</summary>
    public IReadOnlyList<int> Bands => bands;

    /// <summary>
    /// Reads <paramref name="window"/> into <paramref name="tile"/> (<c>bands x size x size</c>) and
    /// <paramref name="valid"/> (<c>size x size</c>, 1 = valid), padding beyond the window by
    /// repeating its last column and row (padded pixels are marked invalid). Returns the number of
    /// valid pixels in the window.
    /// </summary>
    public int Read(PixelWindow window, int size, Span<float> tile, Span<byte> valid)
    {
        if (window.Width > size || window.Height > size)
        {
            throw new ArgumentException($"The window {window} is larger than the tile size {size}.", nameof(window));
        }

        int plane = size * size;
        if (tile.Length < bands.Length * plane || valid.Length < plane)
        {
            throw new ArgumentException($"The buffers are too small for {bands.Length} band(s) of {size}x{size}.", nameof(tile));
        }

        if (scratch.Length < window.Area)
        {
            scratch = new float[window.Area];
        }

        Span<float> raw = scratch.AsSpan(0, (int)window.Area);
        valid[..plane].Clear();
        for (int y = 0; y < window.Height; y++)
        {
            valid.Slice(y * size, window.Width).Fill(1);
        }

        for (int b = 0; b < bands.Length; b++)
        {
            dataset.Read<float>(bands[b], window, raw);
            Span<float> dst = tile.Slice(b * plane, plane);
            // Compared in float: GDAL converts the pixels and the nodata value the same way.
            bool hasNoData = noData[b] is double d && !double.IsNaN(d);
            float nd = hasNoData ? (float)noData[b]!.Value : float.NaN;
            for (int y = 0; y < window.Height; y++)
            {
                ReadOnlySpan<float> src = raw.Slice(y * window.Width, window.Width);
                Span<float> row = dst.Slice(y * size, size);
                src.CopyTo(row);
                row[window.Width..].Fill(src[^1]);
                Span<byte> v = valid.Slice(y * size, window.Width);
                for (int x = 0; x < src.Length; x++)
                {
                    float value = src[x];
                    if (float.IsNaN(value) || (hasNoData && value == nd))
                    {
                        v[x] = 0;
                    }
                }
            }

            for (int y = window.Height; y < size; y++)
            {
                dst.Slice((window.Height - 1) * size, size).CopyTo(dst.Slice(y * size, size));
            }
        }

        int count = 0;
        for (int y = 0; y < window.Height; y++)
        {
            count += CountOnes(valid.Slice(y * size, window.Width));
        }

        return count;
    }

    /// <summary>The share of valid pixels in <paramref name="window"/> (for <see cref="RandomTileSampler.Sample"/>).</summary>
    public double ValidFraction(PixelWindow window)
    {
        int size = Math.Max(window.Width, window.Height);
        var tile = new float[bands.Length * size * size];
        var valid = new byte[size * size];
        return (double)Read(window, size, tile, valid) / window.Area;
    }

    private static int CountOnes(ReadOnlySpan<byte> values)
    {
        int n = 0;
        foreach (byte v in values)
        {
            n += v;
        }

        return n;
    }
}
