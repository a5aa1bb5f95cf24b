namespace AdaptSeg.Geo.Config;

/// <summary>
/// Fourier domain adaptation (FDA, Yang and Soatto, CVPR 2020): each source tile takes the
/// low-frequency amplitude of a target tile, in the four <c>b x b</c> corner blocks of its
/// spectrum, <c>b = floor(tileSize·beta)</c>.
/// </summary>
public sealed record FdaConfig
{
    /// <summary>The paper's L: the share of the tile side swapped (0.01 for its 1024-px images).</summary>
    public required double Beta { get; init; }
}
