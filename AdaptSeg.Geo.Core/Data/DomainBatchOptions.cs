namespace AdaptSeg.Geo.Data;

/// <summary>How <see cref="DomainBatchSource"/> samples.</summary>
public sealed record DomainBatchOptions
{
    public int TileSize { get; init; } = 256;
    public int BatchSize { get; init; } = 1;
    public int IterSize { get; init; } = 1;
    public double MinValidFraction { get; init; } = 0.5;
    public bool SharedNormalisation { get; init; }
    public bool Flips { get; init; } = true;
    public bool Rotations { get; init; } = true;
    public int Seed { get; init; } = 1234;

    /// <summary>FDA: restyle each source tile with its batch partner target tile's low frequencies (the paper's L), or null for none.</summary>
    public double? FdaBeta { get; init; }

    /// <summary>
    /// Self-training: fill <c>BatchData.TargetLabels</c> from the target scenes' training labels
    /// (pseudo-labels), same window and augmentation as the target image. Every target scene then
    /// needs training labels; its evaluation labels are never read.
    /// </summary>
    public bool IncludeTargetLabels { get; init; }
}
