using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// The multi-level output-space adversarial step of AdaptSegNet (Tsai et al., CVPR 2018), written
/// as a loop over output levels (level 0 = auxiliary head on layer3, level 1 = main head on layer4):
/// <list type="number">
/// <item>source: segmentation loss per level (cross-entropy, ignore 255) on outputs upsampled
/// bilinearly (align_corners) to the label size, weighted (0.1, 1);</item>
/// <item>target: adversarial loss per level through frozen discriminators, on the softmax of the
/// upsampled target outputs, against the source domain label, weighted (0.0002, 0.001);</item>
/// <item>discriminators: on detached outputs, source label 0 and target label 1, each half of the loss;</item>
/// <item>SGD for the network (two groups: backbone at the poly rate, heads at ten times), Adam for
/// each discriminator; with gradient accumulation every loss is divided by the number of batches.</item>
/// </list>
/// The methods beyond AdaptSegNet are options of the same step (<see cref="TrainerSettings"/>): the
/// discriminators may see AdvEnt's self-information map or be off; an entropy term (ADVENT's MinEnt on
/// both levels, or FDA's robust entropy on the main level) joins the target loss from a given iteration;
/// self-training adds a segmentation loss on target pseudo-labels. FDA's restyling happens in the data
/// (<see cref="FourierDomainAdaptation"/>). With the default settings the step is AdaptSegNet's, unchanged.
/// </summary>
public sealed class AdversarialTrainer : IDisposable
{
    private const int Levels = 2;

    private readonly IMultiLevelNetwork network;
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> discriminators;
    private readonly SGD segmentationOptimizer;
    private readonly IReadOnlyList<Adam> discriminatorOptimizers;

    /// <summary>Builds the optimisers for the given networks (which the caller keeps owning).</summary>
    public AdversarialTrainer(IMultiLevelNetwork network, IReadOnlyList<nn.Module<Tensor, Tensor>> discriminators, TrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(discriminators);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid trainer settings: " + string.Join("; ", problems) + ".", nameof(settings));
        }

        if (settings.UsesDiscriminators && discriminators.Count != Levels)
        {
            throw new ArgumentException($"Adversarial training needs one discriminator per output level ({Levels}); got {discriminators.Count}.", nameof(discriminators));
        }

        this.network = network;
        this.discriminators = discriminators;
        Settings = settings;

        var groups = new List<SGD.ParamGroup>
        {
            new(network.BackboneParameters().ToList(), settings.LearningRate, settings.Momentum, 0, settings.WeightDecay, false, false),
            new(network.HeadParameters().ToList(), settings.LearningRate * settings.HeadLearningRateFactor, settings.Momentum, 0, settings.WeightDecay, false, false),
        };
        segmentationOptimizer = optim.SGD(groups, settings.LearningRate, settings.Momentum, 0, settings.WeightDecay, false, false);
        discriminatorOptimizers = !settings.UsesDiscriminators
            ? []
            : discriminators.Select(d => optim.Adam(d.parameters(), settings.DiscriminatorLearningRate,
                settings.DiscriminatorBetas.Beta1, settings.DiscriminatorBetas.Beta2)).ToList();
    }

    /// <summary>The settings in force.</summary>
    public TrainerSettings Settings { get; }

    /// <summary>The network optimiser (exposed for checkpointing).</summary>
    public optim.Optimizer SegmentationOptimizer => segmentationOptimizer;

    /// <summary>The discriminator optimisers, one per level (empty without discriminators).</summary>
    public IReadOnlyList<optim.Optimizer> DiscriminatorOptimizers => discriminatorOptimizers;

    /// <summary>One iteration with a single batch (no accumulation).</summary>
    public StepLosses Step(int iteration, Tensor sourceImages, Tensor sourceLabels, Tensor targetImages) =>
        Step(iteration, [new TrainingBatch(sourceImages, sourceLabels, targetImages)]);

    /// <summary>
    /// One iteration (0-based <paramref name="iteration"/> drives the poly schedule) over one or
    /// more batches whose gradients are accumulated before the optimisers step.
    /// </summary>
    public StepLosses Step(int iteration, IReadOnlyList<TrainingBatch> batches) => Step(iteration, batches, observeTarget: false, out _);

    /// <summary>
    /// One iteration, as <see cref="Step(int, IReadOnlyList{TrainingBatch})"/>, that also counts
    /// pixels per class (<paramref name="counts"/>): the source labels, and the main head's argmax on
    /// the target outputs the step computes anyway. A step that computes none (source-only training,
    /// or before an entropy term starts with no discriminator) counts no target pixel, unless
    /// <paramref name="observeTarget"/> asks for one forward of the target images without gradients,
    /// in training mode as the adapted step's target forward, with the batch-norm running statistics
    /// put back afterwards: the observation changes no weight, statistic, random number or loss.
    /// </summary>
    public StepLosses Step(int iteration, IReadOnlyList<TrainingBatch> batches, bool observeTarget, out ClassCounts counts)
    {
        if (batches.Count == 0)
        {
            throw new ArgumentException("At least one batch is needed.", nameof(batches));
        }

        // No garbage collection inside the step: see NoGcRegion for the TorchSharp scalar-lifetime race it avoids.
        using var noGc = new Runtime.NoGcRegion();
        using var scope = NewDisposeScope();
        SetLearningRates(iteration);
        segmentationOptimizer.zero_grad();
        foreach (var optimizer in discriminatorOptimizers)
        {
            optimizer.zero_grad();
        }

        network.Module.train();
        foreach (var d in discriminators)
        {
            d.train();
        }

        double share = 1.0 / batches.Count;
        bool entropyOn = EntropyOn(iteration);
        bool forwardsTarget = ForwardsTarget(iteration);
        var seg = new Tensor?[Levels];
        var adv = new Tensor?[Levels];
        var disc = new Tensor?[Levels];
        var ent = new Tensor?[Levels];
        var targetSeg = new Tensor?[Levels];
        Tensor? sourceCounts = null, targetCounts = null;
        long classes = 0;

        foreach (TrainingBatch batch in batches)
        {
            if (Settings.SelfTraining && batch.TargetLabels is null)
            {
                throw new InvalidDataException(
                    "Self-training needs target pseudo-labels in every batch, and this batch has none. Give the target scenes " +
                    "training labels (adaptseg pseudo-label, then the target's training-labels field in the prepare config) and run prepare again.");
            }

            SetTrainable(discriminators, false);

            // Source: segmentation loss at each level.
            Tensor[] source = Upsampled(network.Module.call(batch.SourceImages), batch.SourceLabels.shape[^2], batch.SourceLabels.shape[^1]);
            Tensor? total = null;
            for (int level = 0; level < Levels; level++)
            {
                Tensor loss = nn.functional.cross_entropy(ForLoss(source[level]), batch.SourceLabels, ignore_index: Settings.IgnoreLabel);
                total = Add(total, loss * (Settings.SegmentationWeights[level] * Settings.SourceWeight));
                seg[level] = Add(seg[level], loss.detach() * share);
            }

            (total! * share).backward();
            classes = source[1].shape[1];
            sourceCounts = Add(sourceCounts, CountClasses(batch.SourceLabels, classes));
            if (!forwardsTarget)
            {
                if (observeTarget)
                {
                    targetCounts = Add(targetCounts, CountClasses(ObservedTargetClasses(batch.TargetImages), classes));
                }

                continue;
            }

            // Target, one loop over levels: pseudo-label segmentation (self-training), fooling the frozen
            // discriminators into calling target outputs "source", and the entropy term.
            Tensor[] target = Upsampled(network.Module.call(batch.TargetImages), batch.TargetImages.shape[^2], batch.TargetImages.shape[^1]);
            targetCounts = Add(targetCounts, CountClasses(target[1].detach().argmax(1), classes));
            total = null;
            for (int level = 0; level < Levels; level++)
            {
                if (Settings.SelfTraining)
                {
                    Tensor loss = PseudoLabelLoss(target[level], batch.TargetLabels!);
                    total = Add(total, loss * (Settings.SegmentationWeights[level] * Settings.TargetWeight));
                    targetSeg[level] = Add(targetSeg[level], loss.detach() * share);
                }

                if (Settings.UsesDiscriminators)
                {
                    Tensor loss = DomainLoss(discriminators[level].call(DiscriminatorInputOf(target[level])), Settings.SourceLabel);
                    total = Add(total, loss * Settings.AdversarialWeights[level]);
                    adv[level] = Add(adv[level], loss.detach() * share);
                }

                if (entropyOn && Settings.EntropyWeights[level] > 0)
                {
                    Tensor loss = Settings.Entropy == EntropyTerm.Minent
                        ? EntropyLosses.MinimumEntropy(nn.functional.softmax(ForLoss(target[level]), 1))
                        : EntropyLosses.RobustEntropy(ForLoss(target[level]), Settings.RobustEta);
                    total = Add(total, loss * Settings.EntropyWeights[level]);
                    ent[level] = Add(ent[level], loss.detach() * share);
                }
            }

            if (total is not null)
            {
                (total * share).backward();
            }

            if (!Settings.UsesDiscriminators)
            {
                continue;
            }

            // Discriminators: learn source vs target on detached outputs, half a loss each.
            SetTrainable(discriminators, true);
            foreach ((Tensor[] outputs, double label) in new[] { (source, Settings.SourceLabel), (target, Settings.TargetLabel) })
            {
                for (int level = 0; level < Levels; level++)
                {
                    Tensor loss = DomainLoss(discriminators[level].call(DiscriminatorInputOf(outputs[level].detach())), label) * (share / 2);
                    loss.backward();
                    disc[level] = Add(disc[level], loss.detach());
                }
            }
        }

        if (Settings.GradientClipNorm is { } maxNorm)
        {
            // As LoveDA's training: the network's trainable parameters, then each discriminator's, clipped separately.
            nn.utils.clip_grad_norm_(network.Module.parameters().Where(p => p.requires_grad), maxNorm);
            foreach (var d in discriminators)
            {
                nn.utils.clip_grad_norm_(d.parameters().Where(p => p.requires_grad), maxNorm);
            }
        }

        segmentationOptimizer.step();
        foreach (var optimizer in discriminatorOptimizers)
        {
            optimizer.step();
        }

        // The only host synchronisation of the iteration: the losses and the class counts come back in one transfer, at the end.
        targetCounts ??= zeros(classes, ScalarType.Float64, sourceCounts!.device);
        double[] all = Numbers([.. seg, .. adv, .. disc, .. ent, .. targetSeg], [sourceCounts!, targetCounts]);
        counts = new ClassCounts(
            [.. all.AsSpan(10, (int)classes).ToArray().Select(c => (long)c)],
            [.. all.AsSpan(10 + (int)classes, (int)classes).ToArray().Select(c => (long)c)]);
        return StepLosses.FromLevels(all[0..2], all[2..4], all[4..6], all[6..8], all[8..10]);
    }

    /// <summary>
    /// Whether the step of <paramref name="iteration"/> forwards the target tiles to train on them
    /// (adversarial, entropy or pseudo-label losses); when not, it counts the target's classes only
    /// when asked to observe them.
    /// </summary>
    public bool ForwardsTarget(int iteration) => !Settings.SourceOnly && (Settings.UsesDiscriminators || Settings.SelfTraining || EntropyOn(iteration));

    /// <summary>
    /// The learning rates of a 0-based iteration (poly schedule after the linear warm-up): the backbone's,
    /// the heads' (times <see cref="TrainerSettings.HeadLearningRateFactor"/>) and the discriminators'.
    /// The one computation behind <see cref="SetLearningRates"/>, the log and TensorBoard.
    /// </summary>
    public (double Backbone, double Heads, double Discriminator) LearningRatesAt(int iteration)
    {
        TrainerSettings s = Settings;
        double rate = PolyLearningRate.At(s.LearningRate, iteration, s.ScheduleIterations, s.Power, s.WarmupIterations);
        return (rate, rate * s.HeadLearningRateFactor, PolyLearningRate.At(s.DiscriminatorLearningRate, iteration, s.ScheduleIterations, s.Power, s.WarmupIterations));
    }

    /// <summary>Sets the learning rates of a 0-based iteration (<see cref="LearningRatesAt"/>).</summary>
    public void SetLearningRates(int iteration)
    {
        var (backbone, heads, discriminator) = LearningRatesAt(iteration);
        var groups = segmentationOptimizer.ParamGroups.ToList();
        groups[0].LearningRate = backbone;
        groups[1].LearningRate = heads;
        foreach (var optimizer in discriminatorOptimizers)
        {
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = discriminator;
            }
        }
    }

    public void Dispose()
    {
        segmentationOptimizer.Dispose();
        foreach (var optimizer in discriminatorOptimizers)
        {
            optimizer.Dispose();
        }
    }

    private bool EntropyOn(int iteration) => Settings.Entropy != EntropyTerm.None && !Settings.SourceOnly && iteration >= Settings.EntropyFromIteration;

    /// <summary>The discriminators' view of (upsampled) logits: the softmax, or AdvEnt's self-information map of it.</summary>
    private Tensor DiscriminatorInputOf(Tensor logits)
    {
        Tensor probabilities = nn.functional.softmax(logits, 1);
        return Settings.DiscriminatorInput == DiscriminatorInput.SelfInformation ? EntropyLosses.SelfInformation(probabilities) : probabilities;
    }

    /// <summary>
    /// Cross-entropy on the pseudo-labels, the mean over the labelled pixels; 0 (not NaN) when a
    /// batch has none, which happens with confident-only pseudo-labels.
    /// </summary>
    private Tensor PseudoLabelLoss(Tensor logits, Tensor labels)
    {
        Tensor sum = nn.functional.cross_entropy(ForLoss(logits), labels, ignore_index: Settings.IgnoreLabel, reduction: nn.Reduction.Sum);
        Tensor count = labels.ne(Settings.IgnoreLabel).sum().to_type(sum.dtype).clamp_min(1);
        return sum / count;
    }

    private Tensor DomainLoss(Tensor logits, double label)
    {
        logits = ForLoss(logits);
        using Tensor wanted = full_like(logits, label);
        return Settings.GanLoss == GanLoss.Vanilla
            ? nn.functional.binary_cross_entropy_with_logits(logits, wanted)
            : nn.functional.mse_loss(logits, wanted);
    }

    private static Tensor[] Upsampled((Tensor Aux, Tensor Main) outputs, long height, long width) =>
        [Upsample(outputs.Aux, height, width), Upsample(outputs.Main, height, width)];

    private static Tensor Upsample(Tensor logits, long height, long width) =>
        nn.functional.interpolate(logits, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: true);

    private static Tensor Add(Tensor? sum, Tensor value) => sum is null ? value : sum + value;

    /// <summary>Losses are computed in float32 even when the network runs in bfloat16 or float16.</summary>
    private static Tensor ForLoss(Tensor t) => t.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? t.to_type(ScalarType.Float32) : t;

    /// <summary>The scalars (null: 0) then the vectors' elements, as doubles, in one transfer to the host.</summary>
    private static double[] Numbers(Tensor?[] scalars, Tensor[] vectors)
    {
        Device device = vectors[0].device;
        using Tensor zero = zeros([1], ScalarType.Float64, device);
        using Tensor all = cat([.. scalars.Select(v => v is null ? zero : v.to_type(ScalarType.Float64).reshape([1])), .. vectors.Select(v => v.to_type(ScalarType.Float64).reshape([-1]))], 0);
        using Tensor host = all.cpu();
        return host.data<double>().ToArray();
    }

    /// <summary>
    /// Pixels per class (float64, exact to 2^53) of class indices [N,H,W]; values outside 0..classes-1
    /// (the ignore label) are not counted. Built from scatter_add_ rather than bincount, which on a GPU
    /// would wait for the device to learn its output size.
    /// </summary>
    private static Tensor CountClasses(Tensor indices, long classes)
    {
        Tensor flat = indices.flatten().to_type(ScalarType.Int64);
        Tensor outside = flat.lt(0).logical_or(flat.ge(classes));
        Tensor slots = flat.masked_fill(outside, classes);
        Tensor counts = zeros(classes + 1, ScalarType.Float64, flat.device).scatter_add_(0, slots, ones(flat.shape[0], ScalarType.Float64, flat.device));
        return counts.narrow(0, 0, classes);
    }

    /// <summary>
    /// The main head's classes on target images from a forward without gradients, in the network's
    /// current (training) mode. A training-mode forward moves the batch-norm running statistics, so
    /// every buffer is copied before and written back after: the prediction the model makes later,
    /// and every later step, are exactly as without the observation.
    /// </summary>
    private Tensor ObservedTargetClasses(Tensor images)
    {
        using var noGrad = no_grad();
        var buffers = network.Module.buffers().ToList();
        var saved = buffers.Select(b => b.clone()).ToList();
        (Tensor _, Tensor main) = network.Module.call(images);
        for (int i = 0; i < buffers.Count; i++)
        {
            buffers[i].copy_(saved[i]);
        }

        return Upsample(main, images.shape[^2], images.shape[^1]).argmax(1);
    }

    private static void SetTrainable(IEnumerable<nn.Module<Tensor, Tensor>> modules, bool trainable)
    {
        foreach (var module in modules)
        {
            foreach (Parameter p in module.parameters())
            {
                p.requires_grad = trainable;
            }
        }
    }
}
