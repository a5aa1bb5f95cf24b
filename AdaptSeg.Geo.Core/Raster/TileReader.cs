using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Reads tiles of chosen bands as float32, padded to a square tile by repeating the last row and
/// column, with a validity mask. The pixels and their validity come from <see cref="BandReader"/>, the
/// one window reader (prepare uses it too): a pixel is invalid when any selected band holds its nodata
/// value or NaN, or GDAL's mask band (an alpha band, a per-dataset mask, a <c>.msk</c> file) masks it.
/// Not thread-safe (it owns reusable buffers); give each thread its own.
/// </summary>
public sealed class TileReader
{
    private readonly BandReader reader;
    private readonly int[] bands;
    private float[] scratch = [];
    private bool[] scratchValid = [];

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

        this.bands = [.. bands];
        reader = new BandReader(dataset, new BandMap(this.bands));
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

        int area = (int)window.Area;
        if (scratchValid.Length < area)
        {
            scratch = new float[bands.Length * area];
            scratchValid = new bool[area];
        }

        int count = reader.Read(window, scratch.AsSpan(0, bands.Length * area), scratchValid.AsSpan(0, area));
        valid[..plane].Clear();
        for (int y = 0; y < window.Height; y++)
        {
            Span<byte> v = valid.Slice(y * size, window.Width);
            ReadOnlySpan<bool> read = scratchValid.AsSpan(y * window.Width, window.Width);
            for (int x = 0; x < read.Length; x++)
            {
                v[x] = read[x] ? (byte)1 : (byte)0;
            }
        }

        for (int b = 0; b < bands.Length; b++)
        {
            Span<float> dst = tile.Slice(b * plane, plane);
            ReadOnlySpan<float> src = scratch.AsSpan(b * area, area);
            for (int y = 0; y < window.Height; y++)
            {
                ReadOnlySpan<float> srcRow = src.Slice(y * window.Width, window.Width);
                Span<float> row = dst.Slice(y * size, size);
                srcRow.CopyTo(row);
                row[window.Width..].Fill(srcRow[^1]);
            }

            for (int y = window.Height; y < size; y++)
            {
                dst.Slice((window.Height - 1) * size, size).CopyTo(dst.Slice(y * size, size));
            }
        }

        return count;
    }

    /// <summary>The share of valid pixels in <paramref name="window"/> (for <c>Tiling.RandomTileSampler.Sample</c>).</summary>
    public double ValidFraction(PixelWindow window)
    {
        int size = Math.Max(window.Width, window.Height);
        var tile = new float[bands.Length * size * size];
        var valid = new byte[size * size];
        return (double)Read(window, size, tile, valid) / window.Area;
    }
}
