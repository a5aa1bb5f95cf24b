using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// The input an exported graph takes, from raw band values: <c>(x - mean) / std</c> per band in
/// float32, non-finite results (nodata) set to 0, the band mean: what
/// <see cref="Inference.NetworkTilePredictor"/> feeds the TorchSharp network. One implementation for
/// the ONNX Runtime predictor and the int8 calibration, so both see the same numbers.
/// </summary>
public static class OnnxInputNormalisation
{
    /// <summary>The float32 mean and floored std (<see cref="BandStatistics.FlooredStd"/>) that <see cref="Apply"/> takes.</summary>
    public static (float[] Mean, float[] Std) Parameters(BandStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return ([.. statistics.Mean.Select(m => (float)m)], [.. statistics.FlooredStd().Select(s => (float)s)]);
    }

    /// <summary>Normalises <paramref name="batch"/> tiles of <c>bands x plane</c> raw values into <paramref name="destination"/>.</summary>
    /// <param name="raw">Raw values, <c>batch x bands x plane</c>.</param>
    /// <param name="batch">Tiles.</param>
    /// <param name="plane">Pixels per band of a tile.</param>
    /// <param name="mean">Per-band mean.</param>
    /// <param name="std">Per-band std, already floored (<see cref="Parameters"/>).</param>
    /// <param name="destination">Where the normalised values go.</param>
    public static void Apply(ReadOnlySpan<float> raw, int batch, long plane, float[] mean, float[] std, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        int bands = mean.Length;
        long count = batch * bands * plane;
        if (std.Length != bands || raw.Length < count || destination.Length < count)
        {
            throw new ArgumentException($"Normalising {batch} x {bands} x {plane} values: the input holds {raw.Length}, the output {destination.Length}, and there are {mean.Length} means for {std.Length} stds.");
        }

        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < bands; c++)
            {
                int offset = (int)(((long)b * bands + c) * plane);
                float m = mean[c];
                float s = std[c];
                ReadOnlySpan<float> source = raw.Slice(offset, (int)plane);
                Span<float> target = destination.Slice(offset, (int)plane);
                for (int p = 0; p < source.Length; p++)
                {
                    float v = (source[p] - m) / s;
                    target[p] = float.IsFinite(v) ? v : 0f;
                }
            }
        }
    }
}
