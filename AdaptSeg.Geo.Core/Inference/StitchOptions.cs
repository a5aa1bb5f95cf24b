using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Inference;

/// <summary>Sliding-window settings: tile size and overlap (pixels), blend window and batch size.</summary>
public sealed record StitchOptions
{
    /// <summary>Tile side in pixels (default 512).</summary>
    public int TileSize { get; init; } = 512;

    /// <summary>Overlap between neighbouring tiles in pixels (default 256, i.e. 50 % for Hann).</summary>
    public int Overlap { get; init; } = 256;

    /// <summary>Blend window (default Hann).</summary>
    public BlendMode Blend { get; init; } = BlendMode.Hann;

    /// <summary>Tiles per predictor call (default 4).</summary>
    public int BatchSize { get; init; } = 4;

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
