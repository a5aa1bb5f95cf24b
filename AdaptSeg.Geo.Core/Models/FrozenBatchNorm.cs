using TorchSharp;
using TorchSharp.Modules;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Batch normalisation as the reference builds it: PyTorch defaults (eps 1e-5, momentum 0.1,
/// affine, running statistics tracked) with the scale and shift excluded from training, unless
/// <see cref="DeepLabOptions.TrainableBatchNorm"/> asks for them to train.
/// </summary>
internal static class FrozenBatchNorm
{
    /// <summary>A <c>BatchNorm2d</c> whose <c>weight</c> and <c>bias</c> do not require grad (or do, with <paramref name="trainable"/>).</summary>
    /// <remarks>
    /// Built in TorchSharp's default dtype and converted later with <c>Module.to</c>: TorchSharp
    /// creates <c>num_batches_tracked</c> in the dtype passed to the constructor, whereas
    /// <c>to(dtype)</c> keeps it int64 as PyTorch does.
    /// </remarks>
    public static BatchNorm2d Create(long features, bool trainable = false)
    {
        BatchNorm2d bn = torch.nn.BatchNorm2d(features);
        bn.weight.requires_grad = trainable;
        bn.bias!.requires_grad = trainable;
        return bn;
    }
}
