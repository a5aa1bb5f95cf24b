namespace AdaptSeg.Geo.Evaluation;

/// <summary>What a prediction wrote and how long it took.</summary>
public sealed record PredictionSummary(string MaskPath, string? ProbabilityPath, string? VectorPath, int Width, int Height, int Tiles, TimeSpan Elapsed)
{
    /// <summary>Throughput in megapixels per second (input pixels).</summary>
    public double MegapixelsPerSecond => (double)Width * Height / 1e6 / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
