namespace AdaptSeg.Geo.Training;

/// <summary>How a <see cref="TrainingRun"/> ended and where its files are.</summary>
/// <param name="Cancelled">Stopped by the cancellation token (a checkpoint was written; resume continues it).</param>
/// <param name="ModelPath">The model.pth written at the end (also when cancelled).</param>
/// <param name="RunFolder">The run folder.</param>
/// <param name="Outcome">Iterations, timing, the last checkpoint and the loss history.</param>
public sealed record TrainingRunResult(bool Cancelled, string ModelPath, string RunFolder, TrainingOutcome Outcome)
{
    /// <summary>The losses of the last iteration run, if any ran.</summary>
    public StepLosses? LastLosses => Outcome.History.Count > 0 ? Outcome.History[^1].Losses : null;
}
