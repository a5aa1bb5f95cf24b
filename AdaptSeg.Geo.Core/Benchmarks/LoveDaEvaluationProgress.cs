namespace AdaptSeg.Geo.Benchmarks;

/// <summary>Images done of the total, and the mIoU so far (NaN on Test or before the first image), 0..1.</summary>
public sealed record LoveDaEvaluationProgress(int Done, int Total, double RunningMeanIoU);
