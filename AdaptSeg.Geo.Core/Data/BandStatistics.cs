namespace AdaptSeg.Geo.Data;

/// <summary>
/// Per-channel mean and standard deviation over the valid pixels of a domain (population std),
/// in channel order, for normalising inputs: <c>(x - Mean[c]) / Std[c]</c>.
/// </summary>
public sealed record BandStatistics(double[] Mean, double[] Std)
{
    /// <summary>Number of valid pixels the statistics were computed over.</summary>
    public long ValidPixels { get; init; }

    /// <summary>The smallest std an input is divided by: a constant band (std 0) is centred, not divided by zero.</summary>
    public const double StdFloor = 1e-6;

    /// <summary><see cref="Std"/> floored at <see cref="StdFloor"/>: what every predictor, the int8 calibration and the exported metadata divide by.</summary>
    public double[] FlooredStd() => [.. Std.Select(s => Math.Max(s, StdFloor))];
}
