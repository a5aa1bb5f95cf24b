namespace AdaptSeg.Geo.Training;

/// <summary>The reference's "poly" schedule: <c>base * (1 - iteration / maxIterations) ^ power</c>.</summary>
public static class PolyLearningRate
{
    /// <summary>The learning rate at a 0-based iteration.</summary>
    public static double At(double baseRate, int iteration, int maxIterations, double power)
    {
        if (maxIterations <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "The schedule length must be positive.");
        }

        double progress = Math.Clamp((double)iteration / maxIterations, 0, 1);
        return baseRate * Math.Pow(1 - progress, power);
    }
}
