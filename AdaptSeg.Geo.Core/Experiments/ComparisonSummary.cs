namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// One row of a comparison over the seeds: mean and sample standard deviation (n-1; 0 for one seed)
/// of target mIoU and per-class IoU (percent); the paired per-seed differences of mIoU to the
/// reference rows (source-only and the baseline, where present and not this row) with their
/// confidence intervals; the mean share of each class in the row's target masks (percent) and, per
/// class, its mean paired change against source-only of the same seed (points; null for
/// source-only itself or without it), with the classes whose change exceeds the comparison's
/// threshold.
/// </summary>
public sealed record ComparisonSummary(string Row, int Seeds, double MeanIoU, double MeanIoUStd,
    IReadOnlyList<double> ClassIoU, IReadOnlyList<double> ClassIoUStd, IReadOnlyList<PairedDifference> Differences, double CpuSeconds,
    IReadOnlyList<double> PredictedShares, IReadOnlyList<double>? ShareShifts, IReadOnlyList<int> MovedClasses)
{
    /// <summary>The paired difference to <paramref name="reference"/>, or null.</summary>
    public PairedDifference? Against(string reference) => Differences.FirstOrDefault(d => d.Reference == reference);

    /// <summary>
    /// Mean and sample standard deviation (n-1) of the values that are not NaN (a class IoU is NaN
    /// where the class is in neither the reference nor the prediction); the deviation is 0 for fewer
    /// than two; both NaN when every value is.
    /// </summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> all)
    {
        var values = all.Where(v => !double.IsNaN(v)).ToList();
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = values.Average();
        double std = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return (mean, std);
    }
}
