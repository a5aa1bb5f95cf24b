using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Every stage output of one <see cref="DeepLabMulti"/> forward pass (for inspection, feature-level
/// work and checks against the reference). Owns its tensors: dispose it.
/// </summary>
/// <param name="Stem">After conv1, bn1, relu and the max-pool: 64 channels, 1/4 resolution.</param>
/// <param name="Layer1">256 channels, 1/4 resolution.</param>
/// <param name="Layer2">512 channels, 1/8 resolution.</param>
/// <param name="Layer3">1024 channels, 1/8 resolution (dilated; torchvision at output stride 16: 1/16).</param>
/// <param name="Layer4">2048 channels, 1/8 resolution (dilated; at output stride 16: 1/16).</param>
/// <param name="Aux">Class scores of head <c>layer5</c> on <c>layer3</c>.</param>
/// <param name="Main">Class scores of head <c>layer6</c> on <c>layer4</c>.</param>
public sealed record DeepLabFeatures(Tensor Stem, Tensor Layer1, Tensor Layer2, Tensor Layer3, Tensor Layer4, Tensor Aux, Tensor Main) : IDisposable
{
    /// <summary>The stages by their reference names, in order: stem, layer1 .. layer4.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Stages =>
        [("stem", Stem), ("layer1", Layer1), ("layer2", Layer2), ("layer3", Layer3), ("layer4", Layer4)];

    /// <inheritdoc/>
    public void Dispose()
    {
        Stem.Dispose();
        Layer1.Dispose();
        Layer2.Dispose();
        Layer3.Dispose();
        Layer4.Dispose();
        Aux.Dispose();
        Main.Dispose();
    }
}
