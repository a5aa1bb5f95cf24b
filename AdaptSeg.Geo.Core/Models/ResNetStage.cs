namespace AdaptSeg.Geo.Models;

/// <summary>How one ResNet stage (<c>layer1</c>..<c>layer4</c>) runs its blocks.</summary>
/// <param name="Stride">Stride of the stage's first block (1 or 2).</param>
/// <param name="FirstDilation">Dilation of the first block's 3x3 convolution. torchvision gives a
/// stage that trades its stride for dilation the previous stage's dilation here.</param>
/// <param name="Dilation">Dilation of the 3x3 convolution of every further block.</param>
public readonly record struct ResNetStage(int Stride, int FirstDilation, int Dilation);
