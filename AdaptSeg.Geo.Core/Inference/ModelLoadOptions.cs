namespace AdaptSeg.Geo.Inference;

/// <summary>How <see cref="RasterPrediction"/> loads a model.pth.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>cpu, cuda, cuda:N or auto (CUDA when available).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Normalise the input with the source domain's band statistics instead of the target's.</summary>
    public bool UseSourceStatistics { get; init; }
}
