namespace AdaptSeg.Geo.Experiments;

/// <summary>One engine over the seeds of an <see cref="EngineComparison"/>.</summary>
/// <param name="Engine">The engine.</param>
/// <param name="Threads">Its intra-op threads.</param>
/// <param name="MeanIoU">Target mIoU, %, mean over seeds.</param>
/// <param name="MeanIoUStd">Its standard deviation.</param>
/// <param name="Delta">Paired per-seed change of mIoU against TorchSharp float32, mean (points).</param>
/// <param name="DeltaStd">Its standard deviation.</param>
/// <param name="Agreement">Mask agreement with TorchSharp float32, %, mean over seeds.</param>
/// <param name="MinimumAgreement">The lowest seed's agreement, %.</param>
/// <param name="MsPerTile">Wall-clock milliseconds per tile, mean over seeds.</param>
/// <param name="CpuMsPerTile">CPU milliseconds per tile, mean over seeds.</param>
public sealed record EngineComparisonSummary(string Engine, int Threads, double MeanIoU, double MeanIoUStd, double Delta, double DeltaStd,
    double Agreement, double MinimumAgreement, double MsPerTile, double CpuMsPerTile);
