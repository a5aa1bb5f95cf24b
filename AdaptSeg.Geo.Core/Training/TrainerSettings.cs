using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// Hyper-parameters of the multi-level adversarial step. Defaults are the paper's
/// (AdaptSegNet multi-level, GTA5 -> Cityscapes).
/// </summary>
public sealed record TrainerSettings
{
    /// <summary>Base SGD learning rate for the backbone; the heads get <see cref="HeadLearningRateFactor"/> times it.</summary>
    public double LearningRate { get; init; } = 2.5e-4;

    /// <summary>Multiplier for the heads' learning rate.</summary>
    public double HeadLearningRateFactor { get; init; } = 10;

    /// <summary>Iterations of linear warm-up (rate = base x iteration / N) before the poly schedule takes over; 0: none.</summary>
    public int WarmupIterations { get; init; }

    /// <summary>L2 norm the gradients of the network, and of each discriminator, are clipped to before each step; null: none.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD weight decay.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Poly schedule power.</summary>
    public double Power { get; init; } = 0.9;

    /// <summary>Length of the poly schedule (the paper: 250000, stopped at 150000).</summary>
    public int ScheduleIterations { get; init; } = 250_000;

    /// <summary>Adam learning rate of the discriminators (same poly schedule).</summary>
    public double DiscriminatorLearningRate { get; init; } = 1e-4;

    /// <summary>Adam betas of the discriminators.</summary>
    public (double Beta1, double Beta2) DiscriminatorBetas { get; init; } = (0.9, 0.99);

    /// <summary>Weight of each level's segmentation loss, (aux, main).</summary>
    public IReadOnlyList<double> SegmentationWeights { get; init; } = [0.1, 1.0];

    /// <summary>Weight of each level's adversarial loss, (aux, main).</summary>
    public IReadOnlyList<double> AdversarialWeights { get; init; } = [0.0002, 0.001];

    /// <summary>Vanilla (BCE) or least-squares GAN loss.</summary>
    public GanLoss GanLoss { get; init; } = GanLoss.Vanilla;

    /// <summary>Train on the source only (no adversarial loss, no discriminator updates): the baseline.</summary>
    public bool SourceOnly { get; init; }

    /// <summary>What the discriminators see: softmax (AdaptSegNet), self-information (AdvEnt) or none (no discriminators).</summary>
    public DiscriminatorInput DiscriminatorInput { get; init; } = DiscriminatorInput.Softmax;

    /// <summary>The entropy term on the target outputs.</summary>
    public EntropyTerm Entropy { get; init; } = EntropyTerm.None;

    /// <summary>First 0-based iteration with the entropy term.</summary>
    public int EntropyFromIteration { get; init; }

    /// <summary>Weight of each level's entropy term, (aux, main); a zero weight skips the level.</summary>
    public IReadOnlyList<double> EntropyWeights { get; init; } = [0.0, 0.0];

    /// <summary>Exponent η of the robust entropy.</summary>
    public double RobustEta { get; init; } = 2.0;

    /// <summary>Also train on target pseudo-labels (every batch must carry <see cref="TrainingBatch.TargetLabels"/>).</summary>
    public bool SelfTraining { get; init; }

    /// <summary>Weight of the source segmentation loss (multiplies <see cref="SegmentationWeights"/>).</summary>
    public double SourceWeight { get; init; } = 1.0;

    /// <summary>Weight of the target (pseudo-label) segmentation loss in self-training (multiplies <see cref="SegmentationWeights"/>).</summary>
    public double TargetWeight { get; init; } = 1.0;

    /// <summary>Whether the step trains and uses discriminators.</summary>
    public bool UsesDiscriminators => !SourceOnly && DiscriminatorInput != DiscriminatorInput.None;

    /// <summary>Label value ignored by the segmentation loss.</summary>
    public long IgnoreLabel { get; init; } = 255;

    /// <summary>Domain label the discriminators learn for source outputs (the reference: 0).</summary>
    public double SourceLabel { get; init; }

    /// <summary>Domain label for target outputs (the reference: 1).</summary>
    public double TargetLabel { get; init; } = 1;

    /// <summary>Checks the values; returns every problem found.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (LearningRate <= 0) problems.Add("learning rate must be positive");
        if (DiscriminatorLearningRate <= 0) problems.Add("discriminator learning rate must be positive");
        if (ScheduleIterations <= 0) problems.Add("schedule length must be positive");
        if (WarmupIterations < 0) problems.Add("warm-up iterations must not be negative");
        if (GradientClipNorm is { } clip && !(clip > 0)) problems.Add("the gradient clipping norm must be positive");
        if (!(HeadLearningRateFactor > 0)) problems.Add("the heads' learning-rate factor must be positive");
        if (SegmentationWeights.Count != 2) problems.Add("segmentation weights need two values (aux, main)");
        if (AdversarialWeights.Count != 2) problems.Add("adversarial weights need two values (aux, main)");
        if (Momentum is < 0 or >= 1) problems.Add("momentum must be in [0, 1)");
        if (EntropyWeights.Count != 2 || EntropyWeights.Any(w => w < 0)) problems.Add("entropy weights need two non-negative values (aux, main)");
        if (EntropyFromIteration < 0) problems.Add("the entropy term's first iteration must not be negative");
        if (RobustEta <= 0) problems.Add("the robust entropy's exponent must be positive");
        if (SourceWeight < 0 || TargetWeight < 0) problems.Add("self-training weights must not be negative");
        if (SourceOnly && SelfTraining) problems.Add("source-only and self-training exclude each other");
        return problems;
    }
}
