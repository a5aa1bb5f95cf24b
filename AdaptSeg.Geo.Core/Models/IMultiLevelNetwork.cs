using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// What the adversarial trainer needs from a segmentation network: a module returning
/// (auxiliary, main) logits, and its parameters split as the reference splits them for the
/// optimiser (backbone at the base learning rate, heads at ten times that).
/// </summary>
public interface IMultiLevelNetwork
{
    /// <summary>The network as a module (auxiliary, main) = f(images).</summary>
    nn.Module<Tensor, (Tensor Aux, Tensor Main)> Module { get; }

    /// <summary>Backbone parameters that require grad (the reference's get_1x_lr_params_NOscale).</summary>
    IEnumerable<Parameter> BackboneParameters();

    /// <summary>Head parameters (the reference's get_10x_lr_params: layer5 and layer6).</summary>
    IEnumerable<Parameter> HeadParameters();
}
