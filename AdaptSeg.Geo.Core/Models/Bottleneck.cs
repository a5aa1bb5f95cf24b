using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// The ResNet bottleneck block: 1x1, 3x3 (dilated, padding = dilation), 1x1 expanding by
/// <see cref="Expansion"/>, each followed by batch normalisation (frozen affine unless asked),
/// plus an identity or projection (<c>downsample</c>) shortcut. The reference DeepLab-v2 puts
/// the stride on the first 1x1 convolution; torchvision's (v1.5) on the 3x3 one.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>Output channels per <c>planes</c>.</summary>
    public const int Expansion = 4;

    // Field names and order are PyTorch's: they make the state-dict keys.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Sequential? downsample;

    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Bottleneck width; the block outputs <c>planes * 4</c> channels.</param>
    /// <param name="stride">Stride of the block: of its first 1x1 or its 3x3 convolution (<paramref name="strideOn3x3"/>), and of the projection.</param>
    /// <param name="dilation">Dilation (and padding) of the 3x3 convolution.</param>
    /// <param name="projectShortcut">Whether the shortcut is a 1x1 convolution + batch norm (<c>downsample</c>).</param>
    /// <param name="strideOn3x3">False (DeepLab-v2): the stride sits on the first 1x1 convolution. True (torchvision): on the 3x3.</param>
    /// <param name="trainableBatchNorm">Whether the batch-norm scales and shifts train (<see cref="DeepLabOptions.TrainableBatchNorm"/>).</param>
    public Bottleneck(long inplanes, long planes, long stride = 1, long dilation = 1, bool projectShortcut = false, bool strideOn3x3 = false, bool trainableBatchNorm = false)
        : base(nameof(Bottleneck))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inplanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(planes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilation, 1);
        if (!projectShortcut && (stride != 1 || inplanes != planes * Expansion))
        {
            throw new ArgumentException(
                $"A block from {inplanes} to {planes * Expansion} channels with stride {stride} needs a projection shortcut; pass projectShortcut: true.",
                nameof(projectShortcut));
        }

        conv1 = nn.Conv2d(inplanes, planes, kernel_size: 1, stride: strideOn3x3 ? 1 : stride, bias: false);
        bn1 = FrozenBatchNorm.Create(planes, trainableBatchNorm);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: strideOn3x3 ? stride : 1, padding: dilation, dilation: dilation, bias: false);
        bn2 = FrozenBatchNorm.Create(planes, trainableBatchNorm);
        conv3 = nn.Conv2d(planes, planes * Expansion, kernel_size: 1, bias: false);
        bn3 = FrozenBatchNorm.Create(planes * Expansion, trainableBatchNorm);
        relu = nn.ReLU(inplace: true);
        if (projectShortcut)
        {
            downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * Expansion, kernel_size: 1, stride: stride, bias: false),
                FrozenBatchNorm.Create(planes * Expansion, trainableBatchNorm));
        }

        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor y = relu.call(bn1.call(OneDnnSafeConvolution.Forward(conv1, x)));
        y = relu.call(bn2.call(OneDnnSafeConvolution.Forward(conv2, y)));
        y = bn3.call(OneDnnSafeConvolution.Forward(conv3, y));
        Tensor shortcut = downsample is null
            ? x
            : ((nn.Module<Tensor, Tensor>)downsample[1]).call(OneDnnSafeConvolution.Forward((Conv2d)downsample[0], x));
        y = y.add_(shortcut);
        return scope.MoveToOuter(relu.call(y));
    }
}
