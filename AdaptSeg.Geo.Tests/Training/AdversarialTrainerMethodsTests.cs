using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>
/// The methods beyond AdaptSegNet as options of the one step: each loss the step reports equals the
/// loss computed by hand (float64) on the same network just before the step.
/// </summary>
public sealed class AdversarialTrainerMethodsTests
{
    private const int Bands = 3, Classes = 4, Size = 16;

    [Fact]
    public void Step_SelfInformationDiscriminatorInput_AdversarialLossIsOnTheAdventMap()
    {
        using var run = new Run(new TrainerSettings { DiscriminatorInput = DiscriminatorInput.SelfInformation }, discriminators: true);
        double advent = run.Expected(up => Bce(run.D2!.call(EntropyLosses.SelfInformation(nn.functional.softmax(up, 1)))));
        double softmax = run.Expected(up => Bce(run.D2!.call(nn.functional.softmax(up, 1))));
        StepLosses losses = run.Step(0);
        Assert.Equal(advent, losses.AdvMain, 1e-12);
        Assert.NotEqual(softmax, losses.AdvMain, 1e-6);
        Assert.True(losses.DiscMain > 0);
    }

    [Fact]
    public void Step_MinEntWithoutDiscriminators_OffBeforeItsIterationThenTheAdventLoss()
    {
        var settings = new TrainerSettings
        {
            DiscriminatorInput = DiscriminatorInput.None, Entropy = EntropyTerm.Minent, EntropyFromIteration = 1, EntropyWeights = [0.0002, 0.001],
        };
        using var run = new Run(settings, discriminators: false);
        StepLosses first = run.Step(0);
        Assert.Equal((0.0, 0.0, 0.0, 0.0, 0.0, 0.0), (first.EntAux, first.EntMain, first.AdvAux, first.AdvMain, first.DiscAux, first.DiscMain));
        double main = run.Expected(up => EntropyLosses.MinimumEntropy(nn.functional.softmax(up, 1)));
        double aux = run.Expected(up => EntropyLosses.MinimumEntropy(nn.functional.softmax(up, 1)), level: 0);
        StepLosses second = run.Step(1);
        Assert.Equal(main, second.EntMain, 1e-12);
        Assert.Equal(aux, second.EntAux, 1e-12);
        Assert.Equal(0.0, second.AdvMain);
    }

    [Fact]
    public void Step_RobustEntropy_OnTheMainLevelOnly()
    {
        var settings = new TrainerSettings { DiscriminatorInput = DiscriminatorInput.None, Entropy = EntropyTerm.Robust, EntropyWeights = [0.0, 0.005] };
        using var run = new Run(settings, discriminators: false);
        double expected = run.Expected(up => EntropyLosses.RobustEntropy(up, 2.0));
        StepLosses losses = run.Step(0);
        Assert.Equal(expected, losses.EntMain, 1e-12);
        Assert.Equal(0.0, losses.EntAux);
    }

    [Fact]
    public void Step_SelfTraining_TargetLossIsCrossEntropyOnThePseudoLabels()
    {
        var settings = new TrainerSettings { DiscriminatorInput = DiscriminatorInput.None, SelfTraining = true, TargetWeight = 0.5 };
        using var run = new Run(settings, discriminators: false);
        using Tensor labels = PseudoLabels(allIgnored: false);
        double expected = run.Expected(up => nn.functional.cross_entropy(up, labels, ignore_index: 255));
        StepLosses losses = run.Step(0, labels);
        Assert.Equal(expected, losses.TargetSegMain, 1e-12);
        Assert.True(losses.SegMain > 0);
    }

    [Fact]
    public void Step_SelfTrainingBatchWithOnlyIgnoredPseudoLabels_LossIsZeroNotNaN()
    {
        using var run = new Run(new TrainerSettings { DiscriminatorInput = DiscriminatorInput.None, SelfTraining = true }, discriminators: false);
        using Tensor labels = PseudoLabels(allIgnored: true);
        StepLosses losses = run.Step(0, labels);
        Assert.Equal(0.0, losses.TargetSegMain);
        Assert.True(double.IsFinite(losses.SegMain));
        Assert.All(run.Network.parameters(), p => Assert.False(p.isnan().any().item<bool>()));
    }

    [Fact]
    public void Step_SelfTrainingBatchWithoutTargetLabels_IsRefusedWithTheFix()
    {
        using var run = new Run(new TrainerSettings { DiscriminatorInput = DiscriminatorInput.None, SelfTraining = true }, discriminators: false);
        var e = Assert.Throws<InvalidDataException>(() => run.Step(0));
        Assert.Contains("pseudo-label", e.Message);
    }

    [Fact]
    public void Constructor_NoDiscriminatorInput_NeedsNoDiscriminatorsAndBuildsNoAdamOptimisers()
    {
        using var net = new TinyMultiLevelNetwork(Bands, Classes);
        using var trainer = new AdversarialTrainer(net, [], new TrainerSettings { DiscriminatorInput = DiscriminatorInput.None });
        Assert.Empty(trainer.DiscriminatorOptimizers);
        Assert.Throws<ArgumentException>(() => new AdversarialTrainer(net, [], new TrainerSettings()));
    }

    private static Tensor Bce(Tensor logits) => nn.functional.binary_cross_entropy_with_logits(logits, zeros_like(logits));

    private static Tensor PseudoLabels(bool allIgnored)
    {
        var values = new long[2 * Size * Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = allIgnored || i % 3 == 0 ? 255 : i % Classes;
        }

        return tensor(values, [2, Size, Size]);
    }

    /// <summary>A float64 tiny network (and discriminators) with formula weights, and one synthetic batch.</summary>
    private sealed class Run : IDisposable
    {
        private readonly DisposeScope scope = NewDisposeScope();
        private readonly AdversarialTrainer trainer;
        private readonly Tensor x, y, t;

        public Run(TrainerSettings settings, bool discriminators)
        {
            Network = new TinyMultiLevelNetwork(Bands, Classes);
            var modules = new List<nn.Module>() { Network };
            if (discriminators)
            {
                (D1, D2) = (new TinyDiscriminator(Classes), new TinyDiscriminator(Classes));
                modules.AddRange([D1, D2]);
            }

            foreach (nn.Module m in modules)
            {
                m.to(ScalarType.Float64);
                FormulaWeights.Apply(m);
            }

            trainer = new AdversarialTrainer(Network, D1 is null ? [] : [D1, D2!], settings);
            var b = new SyntheticBatchSource(Bands, Classes, Size).Load(0)[0];
            x = tensor(b.SourceImages, [2, Bands, Size, Size]).to(ScalarType.Float64);
            y = tensor(b.SourceLabels, [2, Size, Size]).to(ScalarType.Int64);
            t = tensor(b.TargetImages, [2, Bands, Size, Size]).to(ScalarType.Float64);
        }

        public TinyMultiLevelNetwork Network { get; }

        public TinyDiscriminator? D1 { get; }

        public TinyDiscriminator? D2 { get; }

        public StepLosses Step(int iteration, Tensor? targetLabels = null) => trainer.Step(iteration, [new TrainingBatch(x, y, t, targetLabels)]);

        /// <summary>A loss of the target output of one level, upsampled to the tile, on the current weights (train mode, as the step).</summary>
        public double Expected(Func<Tensor, Tensor> loss, int level = 1)
        {
            using var inner = NewDisposeScope();
            using var noGrad = torch.no_grad();
            Network.train();
            var (aux, main) = Network.call(t);
            Tensor up = nn.functional.interpolate(level == 0 ? aux : main, size: [Size, Size], mode: InterpolationMode.Bilinear, align_corners: true);
            return loss(up).item<double>();
        }

        public void Dispose()
        {
            trainer.Dispose();
            Network.Dispose();
            D1?.Dispose();
            D2?.Dispose();
            scope.Dispose();
        }
    }
}
