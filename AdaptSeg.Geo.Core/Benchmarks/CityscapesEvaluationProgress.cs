namespace AdaptSeg.Geo.Benchmarks;

/// <summary>Progress of an evaluation: images scored so far, of the total, and the running mIoU (0..1, NaN before any class is defined).</summary>
public sealed record CityscapesEvaluationProgress(int Done, int Total, double RunningMeanIoU);
