namespace AdaptSeg.Geo.Inference;

/// <summary>What <see cref="ShardMosaic"/> wrote.</summary>
/// <param name="MaskPath">The joined mask.</param>
/// <param name="ProbabilityPath">The joined probabilities, or null.</param>
/// <param name="VectorPath">The polygons, or null.</param>
/// <param name="Shards">Number of shards joined.</param>
/// <param name="Width">Mask width.</param>
/// <param name="Height">Mask height.</param>
public sealed record MosaicSummary(string MaskPath, string? ProbabilityPath, string? VectorPath, int Shards, int Width, int Height);
