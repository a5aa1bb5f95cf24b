using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Experiments;

/// <summary>What the demo did and wrote.</summary>
/// <param name="Cancelled">Stopped during training (the run folders keep their checkpoints); nothing after it ran.</param>
/// <param name="Training">Each mode's training run ("source-only", "adapted").</param>
/// <param name="Reports">Each mode's evaluation against the target's derived labels (empty when cancelled).</param>
/// <param name="Table">The per-class IoU of both models side by side, the class shares of their masks and the device (report.txt).</param>
/// <param name="Elapsed">Wall time of the whole demo.</param>
public sealed record SampleDemoResult(bool Cancelled, string Output, IReadOnlyDictionary<string, TrainingRunResult> Training,
    IReadOnlyDictionary<string, EvaluationReport> Reports, string Table, TimeSpan Elapsed)
{
    /// <summary>The masks (GeoTIFF on the target grid).</summary>
    public string MasksFolder => Path.Combine(Output, "masks");

    /// <summary>image | source-only | adapted | reference.</summary>
    public string QuicklookPath => Path.Combine(Output, "quicklook.png");

    /// <summary>The two training runs.</summary>
    public string RunsFolder => Path.Combine(Output, "runs");
}
