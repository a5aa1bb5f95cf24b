namespace AdaptSeg.Geo.Inference;

/// <summary>What a prediction wrote and how long it took.</summary>
public sealed record PredictionSummary(string MaskPath, string? ProbabilityPath, string? VectorPath, int Width, int Height, int Tiles, TimeSpan Elapsed)
{
    /// <summary>Throughput in megapixels per second (input pixels).</summary>
    public double MegapixelsPerSecond => (double)Width * Height / 1e6 / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Which grids were used (input, model, resampling).</summary>
    public string Grid { get; init; } = "";

    /// <summary>Things the user should know (a model without a recorded training grid).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The mask's class names, in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Pixels of each class in the mask written (nodata not counted), counted as it streamed out.</summary>
    public IReadOnlyList<long> ClassPixels { get; init; } = [];

    /// <summary>Each class's share of the mask's classified pixels (fractions in label order; all 0 for a mask with none).</summary>
    public IReadOnlyList<double> ClassShares => Evaluation.ClassShares.Of(ClassPixels);

    /// <summary>What was adjusted to fit the raster (a tile larger than the raster, clamped to it).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
