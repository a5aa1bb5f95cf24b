namespace AdaptSeg.Geo.Training;

/// <summary>
/// The six losses of one training iteration, as plain numbers: segmentation (auxiliary and
/// main level) on the source, adversarial (auxiliary, main) on the target, and the two
/// discriminators (the sum of their source and target halves, as the reference logs them).
/// With gradient accumulation each is the mean over the accumulated batches. The entropy term
/// (0 when off) and the target segmentation loss on pseudo-labels (0 unless self-training) follow.
/// </summary>
public sealed record StepLosses(double SegAux, double SegMain, double AdvAux, double AdvMain, double DiscAux, double DiscMain,
    double EntAux = 0, double EntMain = 0, double TargetSegAux = 0, double TargetSegMain = 0)
{
    /// <summary>The losses by name (as the log names them), in the order of the record.</summary>
    public IReadOnlyList<(string Name, double Value)> Named =>
    [
        ("segAux", SegAux), ("segMain", SegMain), ("advAux", AdvAux), ("advMain", AdvMain), ("discAux", DiscAux), ("discMain", DiscMain),
        ("entAux", EntAux), ("entMain", EntMain), ("targetSegAux", TargetSegAux), ("targetSegMain", TargetSegMain),
    ];

    /// <summary>Whether every loss is a finite number.</summary>
    public bool AllFinite => Named.All(n => double.IsFinite(n.Value));

    /// <summary>The losses per output level, in the order (aux, main).</summary>
    public static StepLosses FromLevels(IReadOnlyList<double> seg, IReadOnlyList<double> adv, IReadOnlyList<double> disc) =>
        new(seg[0], seg[1], adv[0], adv[1], disc[0], disc[1]);

    /// <summary>All losses per output level, in the order (aux, main).</summary>
    public static StepLosses FromLevels(IReadOnlyList<double> seg, IReadOnlyList<double> adv, IReadOnlyList<double> disc,
        IReadOnlyList<double> entropy, IReadOnlyList<double> targetSeg) =>
        new(seg[0], seg[1], adv[0], adv[1], disc[0], disc[1], entropy[0], entropy[1], targetSeg[0], targetSeg[1]);
}
