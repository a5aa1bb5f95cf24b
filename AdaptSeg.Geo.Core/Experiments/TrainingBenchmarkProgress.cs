namespace AdaptSeg.Geo.Experiments;

/// <summary>One iteration of a training benchmark done: its number (1-based), whether it was a warm-up, its wall time.</summary>
public sealed record TrainingBenchmarkProgress(int Iteration, bool Warmup, double Milliseconds);
