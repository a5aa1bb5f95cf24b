using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>A two-convolution discriminator for fast trainer tests.</summary>
public sealed class TinyDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d classifier;

    public TinyDiscriminator(int classes) : base(nameof(TinyDiscriminator))
    {
        conv1 = nn.Conv2d(classes, 8, 4, stride: 2, padding: 1);
        classifier = nn.Conv2d(8, 1, 4, stride: 2, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return classifier.call(nn.functional.leaky_relu(conv1.call(input), 0.2)).MoveToOuterDisposeScope();
    }
}
