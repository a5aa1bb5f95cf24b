namespace AdaptSeg.Geo.Experiments;

/// <summary>One trained and scored model of a comparison: target mIoU and per-class IoU in percent, and its cost.</summary>
public sealed record ComparisonRun(string Row, int Seed, double MeanIoU, IReadOnlyList<double> ClassIoU, double TrainSeconds, double CpuSeconds, string ModelPath);
