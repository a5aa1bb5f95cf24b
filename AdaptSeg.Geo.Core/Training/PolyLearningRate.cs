namespace AdaptSeg.Geo.Training;

/// <summary>
/// The reference's "poly" schedule, <c>base * (1 - iteration / maxIterations) ^ power</c>, optionally
/// after a linear warm-up of <c>base * iteration / warmup</c> (LoveDA's <c>lr_warmup</c>; its poly part
/// still counts from iteration 0, as there).
/// </summary>
public static class PolyLearningRate
{
    /// <summary>The learning rate at a 0-based iteration.</summary>
    public static double At(double baseRate, int iteration, int maxIterations, double power, int warmupIterations = 0)
    {
        if (maxIterations <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "The schedule length must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(warmupIterations);
        if (iteration < warmupIterations)
        {
            return baseRate * Math.Max(0, iteration) / warmupIterations;
        }

        double progress = Math.Clamp((double)iteration / maxIterations, 0, 1);
        return baseRate * Math.Pow(1 - progress, power);
    }
}
