using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Runs a <see cref="Conv2d"/> so that its backward pass on the CPU gives correct gradients
/// whatever its number of output channels.
/// </summary>
/// <remarks>
/// <para>
/// libtorch 2.10's CPU convolutions go through oneDNN 3.7.1. In the backward pass oneDNN reorders the
/// output gradient into a channel-blocked layout (blocks of 16 channels with AVX-512, 8 with AVX2).
/// When the output channel count is not a multiple of the block, the padding channels of that
/// buffer are not always zeroed. They hold whatever the freed memory held before, which may be NaN
/// bit patterns (a freed byte label buffer full of 255s, for example). Multiplied by the zero
/// padding of the weights, a NaN turns the whole input gradient into NaN.
/// </para>
/// <para>
/// We measured this on this project's machines: the heads (one output channel per class) and the
/// discriminator's one-channel classifier gave a non-finite input gradient in up to 90 % of
/// backward passes after freed memory had been filled with NaNs. Training then stopped with a
/// non-finite loss at its second iteration, at random. With 16, 32 or 64 output channels the same
/// test never failed, and disabling oneDNN removed the failures but made training 1.3 to 2 times
/// slower. <c>OneDnnSafeConvolutionTests</c> repeats that measurement.
/// </para>
/// <para>
/// This runs such a convolution with its weights (and bias) padded with zero filters up to a
/// multiple of 16 output channels, then keeps the real channels. The extra channels compute zeros
/// and receive zero gradient; the real channels' values and gradients are the same convolution.
/// oneDNN pads to 16 internally anyway, so the cost is about the same. It applies only where the
/// fault can occur: on the CPU, in a floating-point type oneDNN runs (float32, bfloat16, float16),
/// with autograd recording. Float64 runs (the reference comparisons), inference and CUDA are
/// unchanged.
/// </para>
/// </remarks>
public static class OneDnnSafeConvolution
{
    /// <summary>The channel block the output channels are padded to (AVX-512's; a multiple of AVX2's 8).</summary>
    public const long ChannelBlock = 16;

    /// <summary>The convolution of <paramref name="input"/> by <paramref name="convolution"/>, safe from oneDNN's unzeroed channel padding.</summary>
    public static Tensor Forward(Conv2d convolution, Tensor input)
    {
        long inChannels = convolution.in_channels, outChannels = convolution.out_channels;
        bool padInputs = inChannels % ChannelBlock != 0;
        bool padOutputs = outChannels % ChannelBlock != 0 && is_grad_enabled();
        if (!(padInputs || padOutputs) || !Applies(convolution, input))
        {
            return convolution.call(input);
        }

        using var scope = NewDisposeScope();
        Tensor weight = convolution.weight!;
        Tensor? bias = convolution.bias;
        if (padInputs)
        {
            long extra = RoundUp(inChannels) - inChannels;
            input = cat([input, zeros([input.shape[0], extra, .. input.shape[2..]], input.dtype, input.device)], 1);
            weight = cat([weight, zeros([outChannels, extra, .. weight.shape[2..]], weight.dtype, weight.device)], 1);
        }

        if (padOutputs)
        {
            long extra = RoundUp(outChannels) - outChannels;
            weight = cat([weight, zeros([extra, .. weight.shape[1..]], weight.dtype, weight.device)], 0);
            bias = bias is null ? null : cat([bias, zeros([extra], bias.dtype, bias.device)], 0);
        }

        Tensor output = nn.functional.conv2d(input, weight, bias,
            strides: convolution.stride, padding: convolution.padding, dilation: convolution.dilation, groups: convolution.groups);
        return (padOutputs ? output.narrow(1, 0, outChannels) : output).MoveToOuterDisposeScope();
    }

    private static long RoundUp(long channels) => (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;

    private static bool Applies(Conv2d convolution, Tensor input) =>
        input.device_type == DeviceType.CPU
        && input.dtype is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16
        && convolution.groups == 1
        && !convolution.transposed
        && convolution.padding_type is null
        && convolution.padding_mode == PaddingModes.Zeros;
}
