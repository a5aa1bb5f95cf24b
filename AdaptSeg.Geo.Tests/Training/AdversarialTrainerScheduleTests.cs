using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>The settings LoveDA's training adds to the paper's: linear warm-up, one learning rate for heads and backbone, gradient clipping.</summary>
public sealed class AdversarialTrainerScheduleTests
{
    private const int Bands = 3, Classes = 4, Size = 16;

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(375, 2.5e-3)]          // half-way through a 750-iteration warm-up: base x 375 / 750
    [InlineData(749, 5e-3 * 749 / 750)]
    public void At_DuringWarmup_IsLinearFromZero(int iteration, double expected)
    {
        Assert.Equal(expected, PolyLearningRate.At(5e-3, iteration, 15000, 0.9, warmupIterations: 750), 15);
    }

    [Fact]
    public void At_AfterWarmup_IsThePolyScheduleCountedFromIterationZero()
    {
        Assert.Equal(5e-3 * Math.Pow(1 - (750.0 / 15000), 0.9), PolyLearningRate.At(5e-3, 750, 15000, 0.9, warmupIterations: 750), 15);
        Assert.Equal(PolyLearningRate.At(5e-3, 9000, 15000, 0.9), PolyLearningRate.At(5e-3, 9000, 15000, 0.9, warmupIterations: 750), 15);
    }

    [Fact]
    public void SetLearningRates_WarmupAndHeadFactorOne_GivesNetworkAndDiscriminatorsTheirWarmedRates()
    {
        var settings = new TrainerSettings
        {
            LearningRate = 5e-3, HeadLearningRateFactor = 1, DiscriminatorLearningRate = 1e-4, ScheduleIterations = 15000, WarmupIterations = 750,
        };
        using var network = new TinyMultiLevelNetwork(Bands, Classes);
        using var d1 = new TinyDiscriminator(Classes);
        using var d2 = new TinyDiscriminator(Classes);
        using var trainer = new AdversarialTrainer(network, [d1, d2], settings);

        trainer.SetLearningRates(150);

        Assert.All(trainer.SegmentationOptimizer.ParamGroups, g => Assert.Equal(5e-3 * 150 / 750, g.LearningRate, 15));
        Assert.All(trainer.DiscriminatorOptimizers.SelectMany(o => o.ParamGroups), g => Assert.Equal(1e-4 * 150 / 750, g.LearningRate, 15));
        var (backbone, heads, discriminator) = trainer.LearningRatesAt(150); // what the log and TensorBoard report
        Assert.Equal(5e-3 * 150 / 750, backbone, 15);
        Assert.Equal(5e-3 * 150 / 750, heads, 15);
        Assert.Equal(1e-4 * 150 / 750, discriminator, 15);
    }

    [Fact]
    public void Step_GradientClipNorm_LimitsTheLengthOfThePlainSgdUpdate()
    {
        // Plain SGD (no momentum, no weight decay, rate 1): the update is minus the (clipped) gradient.
        var plain = new TrainerSettings { LearningRate = 1, HeadLearningRateFactor = 1, Momentum = 0, WeightDecay = 0, SourceOnly = true };
        double unclipped = UpdateNorm(plain);
        double clipped = UpdateNorm(plain with { GradientClipNorm = 1e-3 });

        Assert.True(unclipped > 1e-2, $"the test needs a gradient longer than the clipping norm; it was {unclipped}");
        Assert.Equal(1e-3, clipped, 1e-8); // PyTorch scales by max_norm / (norm + 1e-6)
    }

    private static double UpdateNorm(TrainerSettings settings)
    {
        using var scope = NewDisposeScope();
        using var network = new TinyMultiLevelNetwork(Bands, Classes);
        network.to(ScalarType.Float64);
        FormulaWeights.Apply(network);
        Tensor before = torch.cat(network.parameters().Select(p => p.detach().flatten().clone()).ToArray());
        using var trainer = new AdversarialTrainer(network, [], settings);
        var b = new SyntheticBatchSource(Bands, Classes, Size).Load(0)[0];
        trainer.Step(0, tensor(b.SourceImages, [2, Bands, Size, Size]).to(ScalarType.Float64), tensor(b.SourceLabels, [2, Size, Size]).to(ScalarType.Int64),
            tensor(b.TargetImages, [2, Bands, Size, Size]).to(ScalarType.Float64));
        Tensor after = torch.cat(network.parameters().Select(p => p.detach().flatten()).ToArray());
        return (after - before).norm().item<double>();
    }
}
