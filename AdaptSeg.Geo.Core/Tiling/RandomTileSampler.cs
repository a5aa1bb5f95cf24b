using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Tiling;

/// <summary>
/// Random square tiles for training: uniformly placed windows that lie fully inside the raster,
/// kept only when enough of their pixels are valid. Seeded, so a run can be repeated exactly.
/// Prediction uses the regular <see cref="TileGrid"/> instead.
/// </summary>
public sealed class RandomTileSampler
{
    private readonly Random random;

    /// <summary>A sampler over a <paramref name="width"/> x <paramref name="height"/> raster.</summary>
    /// <param name="width">Raster width in pixels.</param>
    /// <param name="height">Raster height in pixels.</param>
    /// <param name="tile">Tile size; a raster smaller than the tile gives windows clipped to the raster (pad them when reading).</param>
    /// <param name="minValidFraction">Tiles with a smaller share of valid pixels are rejected (0..1).</param>
    /// <param name="seed">Random seed.</param>
    public RandomTileSampler(int width, int height, int tile, double minValidFraction, int seed)
    {
        TileGrid.Validate(width, tile, 0);
        TileGrid.Validate(height, tile, 0);
        if (double.IsNaN(minValidFraction) || minValidFraction < 0 || minValidFraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minValidFraction), minValidFraction, "The valid-fraction threshold must be between 0 and 1.");
        }

        Width = width;
        Height = height;
        Tile = tile;
        MinValidFraction = minValidFraction;
        random = new Random(seed);
    }

    /// <summary>Raster width.</summary>
    public int Width { get; }

    /// <summary>Raster height.</summary>
    public int Height { get; }

    /// <summary>Tile size.</summary>
    public int Tile { get; }

    /// <summary>The valid-fraction threshold.</summary>
    public double MinValidFraction { get; }

    /// <summary>The next random window, valid or not.</summary>
    public PixelWindow NextWindow()
    {
        int w = TileGrid.Extent(Width, Tile);
        int h = TileGrid.Extent(Height, Tile);
        return new PixelWindow(random.Next(Width - w + 1), random.Next(Height - h + 1), w, h);
    }

    /// <summary>
    /// Up to <paramref name="count"/> windows whose valid fraction (as computed by
    /// <paramref name="validFraction"/>, for example <see cref="TileReader.ValidFraction"/>) reaches
    /// the threshold. Gives up after <paramref name="maxAttempts"/> draws and throws, naming the
    /// threshold, when no window at all qualified (the raster is mostly nodata).
    /// </summary>
    public IEnumerable<PixelWindow> Sample(int count, Func<PixelWindow, double> validFraction, int maxAttempts = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(validFraction);
        int produced = 0;
        for (int attempt = 0; attempt < maxAttempts && produced < count; attempt++)
        {
            PixelWindow window = NextWindow();
            if (validFraction(window) >= MinValidFraction)
            {
                produced++;
                yield return window;
            }
        }

        if (produced == 0 && count > 0)
        {
            throw new InvalidOperationException(
                $"No {Tile}x{Tile} tile in {maxAttempts} draws had at least {MinValidFraction:P0} valid pixels; lower the valid-fraction threshold or check the raster's nodata.");
        }
    }
}
