namespace AdaptSeg.Geo.Experiments;

/// <summary>One engine's pass over the synthetic raster in a <see cref="PredictionBenchmark"/>.</summary>
/// <param name="Engine">What ran the tiles.</param>
/// <param name="Threads">The engine's thread settings, in words (empty for the model-free predictor).</param>
/// <param name="Tiles">Tiles predicted.</param>
/// <param name="Elapsed">Wall time of read -> predict -> blend -> write.</param>
/// <param name="MegapixelsPerSecond">Raster pixels a wall-clock second.</param>
/// <param name="CpuSeconds">Process CPU time (all threads) of that pass.</param>
/// <param name="NetworkAlone">Wall time in the network alone on the same tiles (read beforehand, untimed); null without a network.</param>
/// <param name="NetworkAloneCpuSeconds">Process CPU time of that network-alone pass.</param>
/// <param name="PeakMemoryMiB">The process's peak resident memory so far (VmHWM).</param>
public sealed record PredictionBenchmarkRun(
    PredictionBenchmarkEngine Engine, string Threads, int Tiles, TimeSpan Elapsed, double MegapixelsPerSecond, double CpuSeconds,
    TimeSpan? NetworkAlone, double? NetworkAloneCpuSeconds, double PeakMemoryMiB)
{
    public double MillisecondsPerTile => Elapsed.TotalMilliseconds / Math.Max(1, Tiles);

    public double CpuMillisecondsPerTile => CpuSeconds * 1000 / Math.Max(1, Tiles);
}

/// <summary>Of the pixels both engines predicted (not nodata), those with the same class in their masks of the same raster.</summary>
public sealed record PredictionBenchmarkAgreement(PredictionBenchmarkEngine Engine, PredictionBenchmarkEngine Reference, long Same, long Total)
{
    public double Percent => 100.0 * Same / Math.Max(1, Total);
}

/// <summary>What <see cref="PredictionBenchmark.Run"/> measured: a run per engine, in order, and every pair's mask agreement.</summary>
/// <param name="Runs">One per engine, in the order run.</param>
/// <param name="Agreements">For every later engine, its agreement with each earlier one.</param>
/// <param name="Network">The network, in words; empty for the model-free predictor.</param>
/// <param name="CpuInstructionSet">The CPU's instruction sets (<see cref="Runtime.CpuInstructionSet.Describe"/>): ratios depend on them.</param>
public sealed record PredictionBenchmarkResult(IReadOnlyList<PredictionBenchmarkRun> Runs, IReadOnlyList<PredictionBenchmarkAgreement> Agreements, string Network, string CpuInstructionSet);
