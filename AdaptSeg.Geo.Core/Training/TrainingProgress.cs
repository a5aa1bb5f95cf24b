namespace AdaptSeg.Geo.Training;

/// <summary>Progress of a training run after an iteration.</summary>
public sealed record TrainingProgress(int Iteration, int TotalIterations, StepLosses Losses, TimeSpan Elapsed, TimeSpan Remaining, double LoaderWaitFraction);
