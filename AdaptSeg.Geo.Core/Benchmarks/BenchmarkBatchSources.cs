using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>The batch sources of every benchmark, for <see cref="TrainingRunRequest.DataSources"/>.</summary>
public static class BenchmarkBatchSources
{
    /// <summary>GTA5 -> Cityscapes and LoveDA.</summary>
    public static IReadOnlyList<IBatchSourceFactory> All { get; } = [Gta5CityscapesBatchSourceFactory.Instance, LoveDaBatchSourceFactory.Instance];
}
