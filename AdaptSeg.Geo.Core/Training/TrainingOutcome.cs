namespace AdaptSeg.Geo.Training;

/// <summary>How a training run ended.</summary>
public sealed record TrainingOutcome(int NextIteration, bool Cancelled, string? LastCheckpoint, double LoaderWaitFraction, TimeSpan Elapsed, IReadOnlyList<(int Iteration, StepLosses Losses)> History);
