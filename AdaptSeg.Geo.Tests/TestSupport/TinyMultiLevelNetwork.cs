using AdaptSeg.Geo.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// A small two-level network (conv, batch-norm, two heads at 1/2 resolution) for testing the
/// training machinery quickly; the exactness of the real network is tested against the fixtures.
/// </summary>
public sealed class TinyMultiLevelNetwork : nn.Module<Tensor, (Tensor Aux, Tensor Main)>, IMultiLevelNetwork
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d layer5;
    private readonly Conv2d layer6;

    public TinyMultiLevelNetwork(int bands, int classes) : base(nameof(TinyMultiLevelNetwork))
    {
        conv1 = nn.Conv2d(bands, 8, 3, stride: 2, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(8);
        layer5 = nn.Conv2d(8, classes, 3, padding: 1);
        layer6 = nn.Conv2d(8, classes, 1);
        RegisterComponents();
    }

    public nn.Module<Tensor, (Tensor Aux, Tensor Main)> Module => this;

    public IEnumerable<Parameter> BackboneParameters() => conv1.parameters().Concat(bn1.parameters());

    public IEnumerable<Parameter> HeadParameters() => layer5.parameters().Concat(layer6.parameters());

    public override (Tensor Aux, Tensor Main) forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor features = nn.functional.relu(bn1.call(conv1.call(input)));
        return (layer5.call(features).MoveToOuterDisposeScope(), layer6.call(features).MoveToOuterDisposeScope());
    }
}
