namespace AdaptSeg.Geo.Training;

/// <summary>
/// A training iteration gave a loss that is not a finite number (NaN or infinite), so the weights
/// can no longer be trusted and the run stops. The iteration's line is in the log; checkpoints
/// written before it are kept. It counts as bad input (exit 2): the fix is in the experiment
/// file's settings (learning rate, loss weights).
/// </summary>
public sealed class TrainingDivergedException(int iteration, StepLosses losses, double learningRate, string? lastCheckpoint)
    : AdaptSegInputException(Describe(iteration, losses, learningRate, lastCheckpoint))
{
    /// <summary>The 0-based iteration whose losses were not finite.</summary>
    public int Iteration { get; } = iteration;

    /// <summary>That iteration's losses.</summary>
    public StepLosses Losses { get; } = losses;

    /// <summary>The newest checkpoint folder written before it, or null when none was.</summary>
    public string? LastCheckpoint { get; } = lastCheckpoint;

    private static string Describe(int iteration, StepLosses losses, double learningRate, string? lastCheckpoint)
    {
        string bad = string.Join(", ", losses.Named.Where(n => !double.IsFinite(n.Value))
            .Select(n => $"{n.Name} = {n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        string resume = lastCheckpoint is null
            ? "No checkpoint was written before it."
            : $"The last checkpoint before it is '{lastCheckpoint}'.";
        return $"Training diverged at iteration {iteration}: {bad}. The run stopped. {resume} " +
            $"Lower training.learningRate (this iteration's rate: {learningRate.ToString("g3", System.Globalization.CultureInfo.InvariantCulture)}) " +
            "or the adversarial/entropy weights, then start over (TrainingRunRequest.Restart).";
    }
}
