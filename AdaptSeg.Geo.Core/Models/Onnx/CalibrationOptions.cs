namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>How the int8 export calibrates its activation ranges on target tiles.</summary>
public sealed record CalibrationOptions
{
    /// <summary>Most tiles read (spread evenly over the target scenes' tile grid).</summary>
    public int Tiles { get; init; } = 32;

    /// <summary>Tile side in pixels. The calibration graph takes any size, so this need not be the export's tile size.</summary>
    public int TileSize { get; init; } = 256;

    /// <summary>Least share of valid (not nodata) pixels a tile needs to be used.</summary>
    public double MinimumValidFraction { get; init; } = 0.5;

    public CalibrationMethod Method { get; init; } = CalibrationMethod.Percentile;

    /// <summary>Upper percentile kept by <see cref="CalibrationMethod.Percentile"/> (the lower one is 100 minus it).</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>
    /// A residual <c>Add</c> whose widest input range exceeds its output's by more than this factor
    /// runs in float32 with the convolutions feeding it (<see cref="QdqQuantizer.WithoutCancellingAdds"/>);
    /// infinity quantises every one.
    /// </summary>
    public double MaximumCancellation { get; init; } = 4;

    /// <summary>Throws with the fix when a value is out of range.</summary>
    public void Validate()
    {
        if (Tiles is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Tiles), Tiles, "Calibrate on 1 to 10000 tiles (32 is usually enough).");
        }

        if (TileSize is < 16 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(TileSize), TileSize, "The calibration tile size must be 16 to 4096 pixels.");
        }

        if (MinimumValidFraction is < 0 or > 1 || double.IsNaN(MinimumValidFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumValidFraction), MinimumValidFraction, "The least valid share of a calibration tile is a fraction from 0 to 1.");
        }

        if (!(MaximumCancellation >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumCancellation), MaximumCancellation, "The cancellation factor must be at least 1 (infinity quantises every residual addition).");
        }

        if (Percentile is <= 50 or > 100 || double.IsNaN(Percentile))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "The calibration percentile must be above 50 and at most 100 (for example 99.99).");
        }
    }
}
