namespace AdaptSeg.Geo.Training;

/// <summary>How a training run ended.</summary>
public sealed record TrainingOutcome(int NextIteration, bool Cancelled, string? LastCheckpoint, double LoaderWaitFraction, TimeSpan Elapsed, IReadOnlyList<(int Iteration, StepLosses Losses)> History)
{
    /// <summary>
    /// Pixels per class over this session's iterations (from its start or resumption): the source
    /// labels sampled, and the target predictions counted (see <see cref="TrainingLog.Shares"/>);
    /// null when no iteration ran.
    /// </summary>
    public ClassCounts? Counts { get; init; }
}
