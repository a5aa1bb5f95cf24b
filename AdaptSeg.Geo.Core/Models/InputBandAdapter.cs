using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Adapts pretrained first-layer (<c>conv1</c>) weights, learnt on 3-band RGB images, to an
/// input with a different number of bands, so an ImageNet/COCO initialisation or a GTA5 model
/// can start a multispectral network.
/// </summary>
/// <remarks>
/// The rule, for pretrained weights with C input channels (C = 3, R, G, B) and N bands:
/// <list type="bullet">
/// <item>N = C: the weights unchanged.</item>
/// <item>N &lt; C: band k takes the filter of channel k (a 2-band image uses the R and G filters,
/// a single band the R filter).</item>
/// <item>N &gt; C: bands 1..C take the C pretrained filters, every further band the mean of the C
/// filters, and all N filters are multiplied by C / N. The scaling keeps the first-layer response
/// to an image whose bands are all equal (a grey image) exactly what the pretrained network gives
/// for that grey image, so the pretrained batch-norm statistics still fit.</item>
/// </list>
/// The bands are taken in the order the image gives them: order a multispectral image's bands
/// so that its red, green and blue (or the closest bands) come first to benefit most.
/// </remarks>
public static class InputBandAdapter
{
    /// <summary>
    /// Weights for <paramref name="bands"/> input bands from pretrained weights
    /// out x C x kh x kw. Returns a new tensor (same dtype and device); the input is not changed.
    /// </summary>
    public static Tensor Adapt(Tensor pretrained, int bands)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        if (pretrained.Dimensions != 4)
        {
            throw new ArgumentException(
                $"Expected convolution weights out x in x kh x kw; got shape [{string.Join(", ", pretrained.shape)}].", nameof(pretrained));
        }

        if (bands < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bands), bands, "The number of input bands must be at least 1.");
        }

        long channels = pretrained.shape[1];
        using var noGrad = no_grad();
        if (bands == channels)
        {
            return pretrained.detach().clone();
        }

        if (bands < channels)
        {
            return pretrained.narrow(1, 0, bands).clone();
        }

        using var scope = NewDisposeScope();
        Tensor mean = pretrained.mean([1], keepdim: true);
        Tensor extra = mean.expand(-1, bands - channels, -1, -1);
        Tensor adapted = cat([pretrained.detach(), extra], 1).mul_((double)channels / bands);
        return scope.MoveToOuter(adapted);
    }
}
