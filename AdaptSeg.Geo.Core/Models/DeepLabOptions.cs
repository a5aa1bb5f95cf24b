using AdaptSeg.Geo.Config;

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
    /// The ResNet the heads sit on: the reference DeepLab-v2 (Caffe) ResNet, or torchvision's, for
    /// weights pretrained with torchvision, timm or torchgeo (see <see cref="BackboneKind"/>).
    /// </summary>
    public BackboneKind Backbone { get; init; } = BackboneKind.DeepLabV2ResNet;

    /// <summary>
    /// Input size over feature size: 8 (the reference; <c>layer3</c> and <c>layer4</c> dilated) or,
    /// with <see cref="BackboneKind.TorchvisionResNet"/>, 16 (only <c>layer4</c> dilated: torchvision's
    /// <c>replace_stride_with_dilation = [False, False, True]</c>; about four times less arithmetic in
    /// <c>layer4</c> and the heads).
    /// </summary>
    public int OutputStride { get; init; } = 8;

    /// <summary>
    /// False (reference): the batch-norm scale and shift are frozen (<c>requires_grad = False</c>).
    /// True: they train with the backbone and are part of <see cref="DeepLabMulti.BackboneParameters"/>,
    /// as torchvision fine-tuning (and the LoveDA code) does. Independent of
    /// <see cref="FrozenBatchNormStatistics"/>, which decides the running statistics.
    /// </summary>
    public bool TrainableBatchNorm { get; init; }

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
    /// shift stay as <see cref="TrainableBatchNorm"/> says (frozen in the reference).
    /// </summary>
    public bool FrozenBatchNormStatistics { get; init; }

    /// <summary>
    /// Channels of the stem; the four stages use 1x, 2x, 4x and 8x this many bottleneck channels
    /// (outputs 4x that). The reference (and any released weights) uses 64. Smaller widths give
    /// a much lighter network for CPU runs such as the land-cover demo: 16 needs about 1/16 of the
    /// arithmetic.
    /// </summary>
    public int Width { get; init; } = 64;
}
