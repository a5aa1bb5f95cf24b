using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// The fully-convolutional discriminator of AdaptSegNet (<c>model/discriminator.py</c>, <c>FCDiscriminator</c>):
/// five 4x4 convolutions with stride 2 and padding 1 (channels ndf, 2ndf, 4ndf, 8ndf, 1), LeakyReLU(0.2) after
/// the first four, no normalisation. It takes class probabilities (softmax of a segmentation output) and
/// returns one logit per output cell (source vs target), at 1/32 of the input size.
/// </summary>
/// <remarks>State-dict keys are those of the reference: <c>conv1.weight</c>, <c>conv1.bias</c>, ..., <c>classifier.bias</c>.</remarks>
public sealed class FcDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly Conv2d conv4;
    private readonly Conv2d classifier;
    private readonly LeakyReLU leaky_relu;

    /// <param name="numClasses">Input channels: the segmentation network's class count.</param>
    /// <param name="ndf">Channels of the first convolution (64 in the paper).</param>
    public FcDiscriminator(int numClasses, int ndf = 64)
        : base(nameof(FcDiscriminator))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ndf, 1);
        NumClasses = numClasses;
        Ndf = ndf;
        conv1 = nn.Conv2d(numClasses, ndf, kernel_size: 4, stride: 2, padding: 1);
        conv2 = nn.Conv2d(ndf, ndf * 2, kernel_size: 4, stride: 2, padding: 1);
        conv3 = nn.Conv2d(ndf * 2, ndf * 4, kernel_size: 4, stride: 2, padding: 1);
        conv4 = nn.Conv2d(ndf * 4, ndf * 8, kernel_size: 4, stride: 2, padding: 1);
        classifier = nn.Conv2d(ndf * 8, 1, kernel_size: 4, stride: 2, padding: 1);
        leaky_relu = nn.LeakyReLU(0.2, inplace: true);
        RegisterComponents();
    }

    public int NumClasses { get; }

    public int Ndf { get; }

    /// <param name="input">(N, numClasses, H, W) class probabilities.</param>
    /// <returns>(N, 1, H/32, W/32) logits (rounded as the strided convolutions round).</returns>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != NumClasses)
        {
            throw new ArgumentException(
                $"The discriminator expects (N, {NumClasses}, H, W) class probabilities, got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = NewDisposeScope();
        Tensor x = leaky_relu.call(OneDnnSafeConvolution.Forward(conv1, input));
        x = leaky_relu.call(OneDnnSafeConvolution.Forward(conv2, x));
        x = leaky_relu.call(OneDnnSafeConvolution.Forward(conv3, x));
        x = leaky_relu.call(OneDnnSafeConvolution.Forward(conv4, x));
        return OneDnnSafeConvolution.Forward(classifier, x).MoveToOuterDisposeScope();
    }
}
