using static TorchSharp.torch;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// One batch for an adversarial step: source images [N,C,H,W] with labels [N,H,W] (int64,
/// 255 = ignore) and target images [N,C,H',W'], with target labels [N,H',W'] only for
/// self-training (pseudo-labels, 255 = ignore). The caller owns the tensors.
/// </summary>
public sealed record TrainingBatch(Tensor SourceImages, Tensor SourceLabels, Tensor TargetImages, Tensor? TargetLabels = null);
