namespace AdaptSeg.Geo.Benchmarks;

/// <summary>What <see cref="LoveDaEvaluation.Run"/> did.</summary>
/// <param name="Scores">The confusion matrix and IoUs; null for Test, whose masks are hidden.</param>
/// <param name="Images">Images predicted.</param>
/// <param name="PredictionDirectory">Where the 0..6 PNGs were written, or null.</param>
/// <param name="SubmissionZip">The zip of the PNGs for the public evaluation server (Test), or null.</param>
public sealed record LoveDaEvaluationResult(BenchmarkEvaluationResult? Scores, int Images, string? PredictionDirectory, string? SubmissionZip);
