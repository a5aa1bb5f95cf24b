namespace AdaptSeg.Geo.Models;

/// <summary>
/// The deliberate quirks of the reference AdaptSegNet DeepLab-v2 (<c>model/deeplab_multi.py</c>),
/// as named switches. The defaults reproduce the reference, which is how the released
/// checkpoints were trained; change them only when training a model of your own.
/// </summary>
public sealed record DeepLabOptions
{
    /// <summary>The reference behaviour: two-branch ASPP heads, batch-norm statistics follow <c>train()</c>.</summary>
    public static DeepLabOptions Reference { get; } = new();

    /// <summary>
    /// False (reference): each ASPP head sums only its dilation-6 and dilation-12 branches, because
    /// the reference <c>Classifier_Module.forward</c> returns inside its loop. The dilation-18 and
    /// dilation-24 convolutions still exist (their weights are in every checkpoint) but are never run
    /// and never receive a gradient. True: all four branches are summed, as in the DeepLab-v2 paper.
    /// </summary>
    public bool AsppAllBranches { get; init; }

    /// <summary>
    /// False (reference): batch normalisation follows the module mode, so <c>train()</c> normalises
    /// with batch statistics and updates the running statistics (momentum 0.1), and <c>eval()</c>
    /// uses the running statistics. True: batch normalisation always uses the stored running
    /// statistics and never updates them, even while the network trains (the usual choice for
    /// fine-tuning a pretrained backbone with batch size 1). Either way the batch-norm scale and
    /// shift are frozen (the reference sets <c>requires_grad = False</c> on them).
    /// </summary>
    public bool FrozenBatchNormStatistics { get; init; }
}
