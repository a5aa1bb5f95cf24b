using AdaptSeg.Geo.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>
/// oneDNN (libtorch 2.10's CPU convolutions) can leave the channel padding of its blocked buffers
/// unzeroed. These tests fill freed native memory with NaN first, as a freed buffer of 255-valued
/// label bytes would, then check that <see cref="OneDnnSafeConvolution"/> gives finite values and
/// gradients equal to a float64 convolution of the same weights.
/// </summary>
public sealed class OneDnnSafeConvolutionTests(ITestOutputHelper output)
{
    private const int Trials = 8;

    public static TheoryData<long, long, int, int> AwkwardShapes => new()
    {
        // in, out, kernel, dilation: a head (classes), the discriminator's first and last layers, a 13-band stem.
        { 64, 3, 3, 6 },
        { 16, 19, 3, 12 },
        { 19, 32, 4, 1 },
        { 256, 1, 4, 1 },
        { 13, 16, 7, 1 },
        { 3, 5, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(AwkwardShapes))]
    public void Forward_AfterFreedMemoryHeldNaN_ValuesAndGradientsAreTheFloat64Convolutions(long inChannels, long outChannels, int kernel, int dilation)
    {
        var random = new Random(7);
        using var conv = nn.Conv2d(inChannels, outChannels, kernel_size: kernel, stride: kernel == 4 ? 2 : 1, padding: dilation * (kernel / 2), dilation: dilation, bias: true);
        int plainNonFinite = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            using var scope = NewDisposeScope();
            PoisonFreedMemory(random);
            Tensor x = randn(4, inChannels, 24, 24).requires_grad_();
            Tensor outputGradient = randn_like(OneDnnSafeConvolution.Forward(conv, x.detach()));

            PoisonFreedMemory(random);
            Tensor y = OneDnnSafeConvolution.Forward(conv, x);
            y.backward([outputGradient]);
            Tensor inputGradient = x.grad!.clone(), weightGradient = conv.weight!.grad!.clone(), biasGradient = conv.bias!.grad!.clone();
            conv.zero_grad();

            var (yRef, inputRef, weightRef, biasRef) = Float64Reference(conv, x.detach(), outputGradient);
            AssertClose(yRef, y, "output");
            AssertClose(inputRef, inputGradient, "input gradient");
            AssertClose(weightRef, weightGradient, "weight gradient");
            AssertClose(biasRef, biasGradient, "bias gradient");

            // For the record: the same pass through the module as it is (no assertion; it depends on the CPU).
            PoisonFreedMemory(random);
            Tensor xPlain = x.detach().clone().requires_grad_();
            Tensor yPlain = conv.call(xPlain);
            yPlain.backward([outputGradient]);
            if (!yPlain.isfinite().all().item<bool>() || !xPlain.grad!.isfinite().all().item<bool>() || !conv.weight!.grad!.isfinite().all().item<bool>())
            {
                plainNonFinite++;
            }

            conv.zero_grad();
        }

        output.WriteLine($"in {inChannels} out {outChannels}: plain Conv2d gave non-finite values or gradients in {plainNonFinite} of {Trials} trials; OneDnnSafeConvolution in 0.");
    }

    [Fact]
    public void Forward_WithoutGradient_PadsOnlyTheInputChannelsAndGivesTheSameValues()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(19, 3, kernel_size: 3, padding: 1);
        Tensor x = randn(2, 19, 10, 10);
        Tensor expected = nn.functional.conv2d(x.to_type(ScalarType.Float64), conv.weight!.to_type(ScalarType.Float64), conv.bias!.to_type(ScalarType.Float64), padding: [1, 1]);
        using (no_grad())
        {
            AssertClose(expected, OneDnnSafeConvolution.Forward(conv, x), "output");
        }
    }

    [Fact]
    public void Forward_Float64_IsTheModulesOwnCall()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(19, 3, kernel_size: 3, padding: 1).to(ScalarType.Float64);
        Tensor x = randn(2, 19, 10, 10, ScalarType.Float64);
        Assert.True(conv.call(x).eq(OneDnnSafeConvolution.Forward(conv, x)).all().item<bool>());
    }

    private static (Tensor Output, Tensor Input, Tensor Weight, Tensor Bias) Float64Reference(Conv2d conv, Tensor x, Tensor outputGradient)
    {
        Tensor x64 = x.to_type(ScalarType.Float64).requires_grad_();
        Tensor w64 = conv.weight!.detach().to_type(ScalarType.Float64).requires_grad_();
        Tensor b64 = conv.bias!.detach().to_type(ScalarType.Float64).requires_grad_();
        Tensor y64 = nn.functional.conv2d(x64, w64, b64, strides: conv.stride, padding: conv.padding, dilation: conv.dilation);
        y64.backward([outputGradient.to_type(ScalarType.Float64)]);
        return (y64.detach(), x64.grad!, w64.grad!, b64.grad!);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(actual.isfinite().all().item<bool>(), $"{what}: non-finite values");
        double scale = Math.Max(1, expected.abs().max().item<double>());
        double error = (actual.to_type(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error <= 1e-4 * scale, $"{what}: max error {error:g3} (scale {scale:g3})");
    }

    /// <summary>Allocates and frees native buffers of NaN so that the next allocations reuse that memory.</summary>
    private static void PoisonFreedMemory(Random random)
    {
        var buffers = new List<Tensor>();
        for (int i = 0; i < 30; i++)
        {
            buffers.Add(full([random.Next(1_000, 300_000)], float.NaN));
        }

        buffers.ForEach(b => b.Dispose());
    }
}
