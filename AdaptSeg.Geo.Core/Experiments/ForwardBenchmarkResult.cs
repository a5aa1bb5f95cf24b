namespace AdaptSeg.Geo.Experiments;

/// <summary>What <see cref="ForwardBenchmark.Run"/> measured.</summary>
/// <param name="Description">The network and input, in words (depth, classes, parameters, input shape, dtype, device, threads).</param>
/// <param name="MillisecondsPerImage">Each timed pass's wall time divided by the batch.</param>
/// <param name="CpuMillisecondsPerImage">Process CPU time (all threads) per image over the timed passes.</param>
/// <param name="PeakMemoryBeforeMiB">The process's peak resident memory before the network was built.</param>
/// <param name="PeakMemoryMiB">The process's peak resident memory at the end.</param>
/// <param name="OnCuda">Whether it ran on a GPU (whose peak memory TorchSharp does not expose).</param>
public sealed record ForwardBenchmarkResult(
    string Description, IReadOnlyList<double> MillisecondsPerImage, double CpuMillisecondsPerImage, double PeakMemoryBeforeMiB, double PeakMemoryMiB, bool OnCuda)
{
    public double Mean => MillisecondsPerImage.Average();

    public double Min => MillisecondsPerImage.Min();

    public double Max => MillisecondsPerImage.Max();

    public double Median
    {
        get
        {
            var sorted = MillisecondsPerImage.Order().ToList();
            int n = sorted.Count;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        }
    }

    public double ImagesPerSecond => 1000 / Mean;
}
