namespace AdaptSeg.Geo.Data;

/// <summary>
/// Per-channel mean and standard deviation over the valid pixels of a domain (population std),
/// in channel order, for normalising inputs: <c>(x - Mean[c]) / Std[c]</c>.
/// </summary>
public sealed record BandStatistics(double[] Mean, double[] Std)
{
    /// <summary>Number of valid pixels the statistics were computed over.</summary>
    public long ValidPixels { get; init; }
}
