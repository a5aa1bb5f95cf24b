using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Runs a <see cref="Conv2d"/> so that its values and gradients on the CPU are correct whatever
/// its numbers of input and output channels.
/// </summary>
/// <remarks>
/// <para>
/// libtorch 2.10's CPU convolutions go through oneDNN 3.7.1, which reorders activations and
/// gradients into a channel-blocked layout (blocks of 16 channels with AVX-512, 8 with AVX2). When
/// a channel count is not a multiple of the block, the padding channels of the reordered buffer
/// are not always zeroed: the input in the forward pass, the output gradient in the backward pass.
/// They hold whatever freed memory held before, which may be NaN. Multiplied by the zero padding
/// of the weights, a NaN turns the whole output or input gradient into NaN.
/// </para>
/// <para>
/// Measured on this project's machine after filling freed memory with NaN: with input or output
/// channel counts that are not a multiple of 16, a bare <c>Conv2d</c> gave non-finite values or
/// gradients in up to every pass (3 to 17 channels: 25 of 25; 3 to 2: 23 of 25; 19 to 32, in the
/// forward pass: up to 6 of 30); with multiples of 16 it never did. Training stopped with a NaN
/// loss at its second iteration, at random. Disabling oneDNN also removed the failures but made a
/// training pass 1.3 to 2.1 times slower. <c>OneDnnSafeConvolutionTests</c> repeats the check.
/// </para>
/// <para>
/// This runs the convolution with zero channels added up to a multiple of 16: input channels
/// (zero planes in the input, zero weights for them) always, output channels (zero filters, then
/// only the real channels kept) while autograd records. The extra channels contribute and receive
/// zeros, so values and gradients are those of the convolution; oneDNN pads to the block
/// internally anyway, so the cost is about the same. It applies only where the fault can occur:
/// on the CPU, in a type oneDNN runs (float32, bfloat16, float16). Float64 runs (the reference
/// comparisons) and CUDA are unchanged.
/// </para>
/// </remarks>
public static class OneDnnSafeConvolution
{
    /// <summary>The channel block the channels are padded to (AVX-512's; a multiple of AVX2's 8).</summary>
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
