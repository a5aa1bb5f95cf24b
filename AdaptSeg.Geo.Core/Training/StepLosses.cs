namespace AdaptSeg.Geo.Training;

/// <summary>
/// The six losses of one training iteration, as plain numbers: segmentation (auxiliary and
/// main level) on the source, adversarial (auxiliary, main) on the target, and the two
/// discriminators (the sum of their source and target halves, as the reference logs them).
/// With gradient accumulation each is the mean over the accumulated batches.
/// </summary>
public sealed record StepLosses(double SegAux, double SegMain, double AdvAux, double AdvMain, double DiscAux, double DiscMain)
{
    /// <summary>The losses per output level, in the order (aux, main).</summary>
    public static StepLosses FromLevels(IReadOnlyList<double> seg, IReadOnlyList<double> adv, IReadOnlyList<double> disc) =>
        new(seg[0], seg[1], adv[0], adv[1], disc[0], disc[1]);
}
