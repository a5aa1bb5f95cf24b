using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>
/// The class counts of a training step (source labels, main-head argmax on the target) against
/// counts made by hand, and the promise that observing the target in source-only training changes
/// no weight, statistic or loss.
/// </summary>
public sealed class ClassCountsTests
{
    private const int Bands = 3, Classes = 4, Size = 16;

    [Fact]
    public void Step_Adapted_CountsTheSourceLabelsAndTheTargetArgmaxOfTheStepsForward()
    {
        using var run = new Run(new TrainerSettings(), discriminators: true);
        long[] expectedTarget = run.TargetArgmaxCounts();

        run.Trainer.Step(0, [run.Batch], observeTarget: false, out ClassCounts counts);

        Assert.Equal(run.SourceLabelCounts(), counts.SourceLabels);
        Assert.Equal(expectedTarget, counts.TargetPredicted);
        Assert.Equal(2L * Size * Size, counts.TargetPixels);
        Assert.True(counts.SourceLabels.Sum() < 2L * Size * Size); // the ignored (255) pixels are not counted
    }

    [Fact]
    public void Step_SourceOnly_CountsNoTargetUnlessAskedToObserve()
    {
        using var run = new Run(new TrainerSettings { SourceOnly = true }, discriminators: false);
        long[] expectedTarget = run.TargetArgmaxCounts();

        run.Trainer.Step(0, [run.Batch], observeTarget: true, out ClassCounts observed);
        run.Trainer.Step(1, [run.Batch], observeTarget: false, out ClassCounts unobserved);

        Assert.Equal(expectedTarget, observed.TargetPredicted);
        Assert.Equal(0, unobserved.TargetPixels);
        Assert.Equal(run.SourceLabelCounts(), unobserved.SourceLabels);
    }

    [Fact]
    public void Step_SourceOnlyObservingTheTarget_LossesWeightsAndBatchNormStatisticsBitIdentical()
    {
        using var observing = new Run(new TrainerSettings { SourceOnly = true }, discriminators: false);
        using var plain = new Run(new TrainerSettings { SourceOnly = true }, discriminators: false);
        for (int i = 0; i < 3; i++)
        {
            StepLosses a = observing.Trainer.Step(i, [observing.Batch], observeTarget: true, out _);
            StepLosses b = plain.Trainer.Step(i, [plain.Batch]);
            Assert.Equal(b, a);
        }

        var before = plain.Network.state_dict();
        foreach (var (name, value) in observing.Network.state_dict())
        {
            // running_mean, running_var and num_batches_tracked included: a training-mode forward would have moved them.
            Assert.True(value.equal(before[name]).all().item<bool>(), $"{name} differs after observing the target");
        }
    }

    [Fact]
    public void Plus_AddsClassByClassAndRefusesAnotherClassCount()
    {
        var a = new ClassCounts([1, 2, 3], [4, 5, 6]);
        ClassCounts sum = a.Plus(new ClassCounts([10, 20, 30], [0, 0, 1]));
        Assert.Equal([11L, 22, 33], sum.SourceLabels);
        Assert.Equal([4L, 5, 7], sum.TargetPredicted);
        Assert.Equal((66L, 16L), (sum.SourcePixels, sum.TargetPixels));
        Assert.Throws<ArgumentException>(() => a.Plus(ClassCounts.None(2)));
    }

    /// <summary>A float64 tiny network with batch norm (and discriminators) with formula weights, and one synthetic batch.</summary>
    private sealed class Run : IDisposable
    {
        private readonly DisposeScope scope = NewDisposeScope();
        private readonly BatchData data;

        public Run(TrainerSettings settings, bool discriminators)
        {
            Network = new TinyMultiLevelNetwork(Bands, Classes);
            var modules = new List<nn.Module>() { Network };
            var ds = new List<nn.Module<Tensor, Tensor>>();
            if (discriminators)
            {
                ds.AddRange([new TinyDiscriminator(Classes), new TinyDiscriminator(Classes)]);
                modules.AddRange(ds);
            }

            foreach (nn.Module m in modules)
            {
                m.to(ScalarType.Float64);
                FormulaWeights.Apply(m);
            }

            Trainer = new AdversarialTrainer(Network, ds, settings);
            data = new SyntheticBatchSource(Bands, Classes, Size).Load(0)[0];
            Batch = new TrainingBatch(
                tensor(data.SourceImages, [2, Bands, Size, Size]).to(ScalarType.Float64),
                tensor(data.SourceLabels, [2, Size, Size]).to(ScalarType.Int64),
                tensor(data.TargetImages, [2, Bands, Size, Size]).to(ScalarType.Float64));
        }

        public TinyMultiLevelNetwork Network { get; }

        public AdversarialTrainer Trainer { get; }

        public TrainingBatch Batch { get; }

        /// <summary>The source labels counted on the host, 255 left out.</summary>
        public long[] SourceLabelCounts()
        {
            var counts = new long[Classes];
            foreach (byte label in data.SourceLabels.Where(l => l < Classes))
            {
                counts[label]++;
            }

            return counts;
        }

        /// <summary>
        /// The main head's classes on the target tile, upsampled as the step does, counted on the host:
        /// from a copy of the network with the same weights and statistics, in training mode, so this one stays untouched.
        /// </summary>
        public long[] TargetArgmaxCounts()
        {
            using var inner = NewDisposeScope();
            using var copy = new TinyMultiLevelNetwork(Bands, Classes);
            copy.to(ScalarType.Float64);
            copy.load_state_dict(Network.state_dict());
            using var noGrad = torch.no_grad();
            copy.train();
            var (_, main) = copy.call(Batch.TargetImages);
            long[] classes = nn.functional.interpolate(main, size: [Size, Size], mode: InterpolationMode.Bilinear, align_corners: true).argmax(1).data<long>().ToArray();
            var counts = new long[Classes];
            foreach (long c in classes)
            {
                counts[c]++;
            }

            Assert.True(counts.Count(c => c > 0) > 1, "a test whose network answers one class everywhere would not tell the classes apart");
            return counts;
        }

        public void Dispose()
        {
            Trainer.Dispose();
            scope.Dispose();
        }
    }
}
