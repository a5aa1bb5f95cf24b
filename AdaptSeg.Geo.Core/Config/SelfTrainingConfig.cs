namespace AdaptSeg.Geo.Config;

/// <summary>Weights of the two segmentation losses of <c>training.mode: self-training</c>.</summary>
public sealed record SelfTrainingConfig
{
    /// <summary>Weight of the source segmentation loss (labels).</summary>
    public double SourceWeight { get; init; } = 1.0;

    /// <summary>Weight of the target segmentation loss (pseudo-labels, 255 ignored).</summary>
    public double TargetWeight { get; init; } = 1.0;
}
