namespace AdaptSeg.Geo.Experiments;

/// <summary>One iteration of a timing benchmark done (<see cref="TrainingBenchmark"/>, <see cref="ForwardBenchmark"/>): its number (1-based), whether it was a warm-up, its wall time.</summary>
public sealed record BenchmarkProgress(int Iteration, bool Warmup, double Milliseconds);
