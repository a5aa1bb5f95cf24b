namespace AdaptSeg.Geo.Experiments;

/// <summary>What <see cref="TrainingBenchmark.Run"/> measured.</summary>
/// <param name="Description">The step timed, in words (network, classes, batch, sizes, dtype, device).</param>
/// <param name="Milliseconds">Each timed iteration's wall time.</param>
/// <param name="Batch">Source (and target) images a step.</param>
/// <param name="PeakMemoryMiB">The process's peak resident memory.</param>
/// <param name="OnCuda">Whether the step ran on a GPU (whose peak memory TorchSharp does not expose).</param>
public sealed record TrainingBenchmarkResult(string Description, IReadOnlyList<double> Milliseconds, int Batch, double PeakMemoryMiB, bool OnCuda)
{
    public double MeanMilliseconds => Milliseconds.Average();

    public double MinMilliseconds => Milliseconds.Min();

    /// <summary>Source + target image pairs a second.</summary>
    public double PairsPerSecond => 1000.0 * Batch / MeanMilliseconds;
}
