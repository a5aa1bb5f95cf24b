using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Sliding-window settings: tile size and overlap (pixels), blend window and batch size. Every default is
/// valid for every tile size: the overlap, unless set, follows the tile size and the blend
/// (<see cref="DefaultOverlap"/>), so <c>new StitchOptions { TileSize = 256 }</c> overlaps by 128.
/// </summary>
public sealed record StitchOptions
{
    private readonly int? overlap;

    /// <summary>Tile side in pixels (default 512).</summary>
    public int TileSize { get; init; } = 512;

    /// <summary>
    /// Overlap between neighbouring tiles in pixels. Unless set: <see cref="DefaultOverlap"/> of
    /// <see cref="Blend"/> and <see cref="TileSize"/> (half the tile for Hann, an eighth for center-crop).
    /// </summary>
    public int Overlap
    {
        get => overlap ?? DefaultOverlap(Blend, TileSize);
        init => overlap = value;
    }

    /// <summary>Blend window (default Hann).</summary>
    public BlendMode Blend { get; init; } = BlendMode.Hann;

    /// <summary>Tiles per predictor call (default 4).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>The overlap when none is set: half the tile with Hann blending (its weights sum to one there), an eighth with center-crop.</summary>
    public static int DefaultOverlap(BlendMode blend, int tileSize) => blend == BlendMode.Hann ? tileSize / 2 : tileSize / 8;

    /// <summary>
    /// These options for a raster of <paramref name="width"/> x <paramref name="height"/>: a tile larger than the
    /// raster is clamped to its longer side (one tile across), and a set overlap to the clamped tile minus one.
    /// Returns the options unchanged when the tile fits.
    /// </summary>
    public StitchOptions ClampedTo(int width, int height)
    {
        int tile = Math.Min(TileSize, Math.Max(width, height));
        return tile == TileSize ? this
            : overlap is { } set ? this with { TileSize = tile, Overlap = Math.Min(set, tile - 1) }
            : this with { TileSize = tile }; // an unset overlap follows the clamped tile
    }

    /// <summary>Throws naming the bad setting and its valid range.</summary>
    public void Validate()
    {
        TileGrid.Validate(1, TileSize, Overlap);
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        }
    }
}
