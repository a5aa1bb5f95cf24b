namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>The calibrated range of one activation tensor: the float values its uint8 codes span.</summary>
/// <param name="Min">Lowest value kept (values below are clipped to it).</param>
/// <param name="Max">Highest value kept.</param>
public readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>
    /// Per-tensor asymmetric uint8 parameters for this range, widened to hold 0 (so zero padding
    /// and ReLU's zero are exact): <c>scale = (max - min) / 255</c>, <c>zero point = round(-min / scale)</c>.
    /// A range of width 0 gets scale 1 (every value is 0).
    /// </summary>
    public (float Scale, byte ZeroPoint) Uint8Parameters()
    {
        if (!float.IsFinite(Min) || !float.IsFinite(Max))
        {
            throw new InvalidOperationException($"The activation range [{Min}, {Max}] is not finite; the calibration tiles gave the float network non-finite values.");
        }

        double min = Math.Min(Min, 0.0);
        double max = Math.Max(Max, 0.0);
        if (max - min < 1e-12)
        {
            return (1f, 0);
        }

        float scale = (float)((max - min) / 255.0);
        double zero = Math.Round(-min / scale, MidpointRounding.ToEven);
        return (scale, (byte)Math.Clamp(zero, 0, 255));
    }
}
