namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// One trained and scored model of a comparison: target mIoU and per-class IoU in percent; the share
/// of each class (percent) in its masks of the target scenes, which needs no label, and in the source
/// labels of the tiles it trained on; and its cost.
/// </summary>
public sealed record ComparisonRun(string Row, int Seed, double MeanIoU, IReadOnlyList<double> ClassIoU,
    IReadOnlyList<double> PredictedShares, IReadOnlyList<double> SourceLabelShares, double TrainSeconds, double CpuSeconds, string ModelPath);
