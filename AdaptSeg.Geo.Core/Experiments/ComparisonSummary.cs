namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// One row of a comparison over the seeds: mean and sample standard deviation (n-1; 0 for one seed)
/// of target mIoU and per-class IoU (percent), and the paired per-seed difference of mIoU to the
/// baseline (null when the row is the baseline or the baseline is not in the comparison).
/// </summary>
public sealed record ComparisonSummary(string Row, int Seeds, double MeanIoU, double MeanIoUStd,
    IReadOnlyList<double> ClassIoU, IReadOnlyList<double> ClassIoUStd, double? PairedDifference, double? PairedDifferenceStd, double CpuSeconds)
{
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
