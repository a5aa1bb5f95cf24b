using System.Text.Json.Serialization;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// A training experiment, read from JSON (see sample-configs/). Relative paths are relative to
/// the configuration file. Complete on its own: no inheritance.
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>Class names, in label order (label value i = Classes[i]); 255 is ignore.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Where the training data come from.</summary>
    public required DataConfig Data { get; init; }

    /// <summary>The segmentation network and discriminators.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>The optimisation.</summary>
    public TrainingConfig Training { get; init; } = new();

    /// <summary>Run folder: checkpoints, log, loss plot (default: runs/&lt;config name&gt;).</summary>
    public string? Output { get; init; }
}

/// <summary>Training data: a folder made by <c>adaptseg prepare</c>, or the GTA5/Cityscapes layouts.</summary>
public sealed record DataConfig
{
    /// <summary>A prepared folder (from <c>adaptseg prepare</c>).</summary>
    public string? Prepared { get; init; }

    /// <summary>GTA5 root (images/, labels/) for the GTA5 -> Cityscapes benchmark.</summary>
    public string? Gta5 { get; init; }

    /// <summary>Cityscapes root (leftImg8bit/, gtFine/) for the benchmark.</summary>
    public string? Cityscapes { get; init; }

    /// <summary>LoveDA Rural/Urban (its own folder layout), for the land-cover benchmark.</summary>
    public LoveDaDataConfig? Loveda { get; init; }

    /// <summary>Source crop/resize size [width, height] for the benchmark (the paper: 1280x720).</summary>
    public IReadOnlyList<int>? SourceSize { get; init; }

    /// <summary>Target size [width, height] for the benchmark (the paper: 1024x512).</summary>
    public IReadOnlyList<int>? TargetSize { get; init; }

    /// <summary>Tile size in pixels for prepared rasters.</summary>
    public int TileSize { get; init; } = 256;

    /// <summary>Minimum share of valid pixels in a sampled training tile.</summary>
    public double MinValidFraction { get; init; } = 0.5;

    /// <summary>Normalise each domain by its own band statistics, or both by the source's.</summary>
    public Normalisation Normalisation { get; init; } = Normalisation.PerDomain;

    /// <summary>Random horizontal/vertical flips.</summary>
    public bool Flips { get; init; } = true;

    /// <summary>Random 90-degree rotations (free for overhead imagery).</summary>
    public bool Rotations { get; init; } = true;

    /// <summary>Background loader threads (0 = load on the training thread).</summary>
    public int LoaderThreads { get; init; } = 2;
}

/// <summary>How images are normalised.</summary>
public enum Normalisation
{
    /// <summary>Each domain by its own per-band mean and std (the usual choice across sensors).</summary>
    PerDomain,

    /// <summary>Both domains by the source statistics.</summary>
    Shared,
}

/// <summary>Network settings.</summary>
public sealed record ModelConfig
{
    /// <summary>deeplabv2-resnet (the paper's Caffe-style ResNet, the default) or torchvision-resnet (for torchvision, timm and torchgeo weights).</summary>
    public BackboneKind Backbone { get; init; } = BackboneKind.DeepLabV2ResNet;

    /// <summary>ResNet depth: 101 (the paper) or 50.</summary>
    public int Depth { get; init; } = 101;

    /// <summary>8 (the paper) or 16 (torchvision-resnet only: only layer4 dilated, as torchvision's replace_stride_with_dilation [F, F, T]).</summary>
    public int OutputStride { get; init; } = 8;

    /// <summary>
    /// Bottleneck blocks per ResNet stage, overriding <see cref="Depth"/>: a lighter network for
    /// CPU runs, e.g. [1, 1, 1, 1]. Leave out for the paper's ResNet-101 ([3, 4, 23, 3]).
    /// </summary>
    public IReadOnlyList<int>? Blocks { get; init; }

    /// <summary>Stem width (the reference: 64); stages use 1x, 2x, 4x, 8x bottleneck channels. Smaller is lighter.</summary>
    public int Width { get; init; } = 64;

    /// <summary>
    /// Initial weights: a path, or { "path", "bands" } naming the file's conv1 channels (see <see cref="InitConfig"/>).
    /// A model.pth from adaptseg train, or pretrained ResNet weights (.pth, .safetensors; key prefixes are found).
    /// </summary>
    [JsonConverter(typeof(InitConfigConverter))]
    public InitConfig? Init { get; init; }

    /// <summary>Use all four ASPP branches (the reference sums only the first two).</summary>
    public bool AsppAllBranches { get; init; }

    /// <summary>Run BatchNorm on frozen statistics instead of batch statistics (the reference: false).</summary>
    public bool FreezeBatchNormStatistics { get; init; }

    /// <summary>Train the batch-norm scales and shifts with the backbone (torchvision fine-tuning, the LoveDA code); the reference: false (frozen).</summary>
    public bool TrainableBatchNorm { get; init; }

    /// <summary>Discriminator width (ndf).</summary>
    public int DiscriminatorWidth { get; init; } = 64;
}

/// <summary>Optimisation settings; defaults are the paper's.</summary>
public sealed record TrainingConfig
{
    /// <summary>adapted (see <see cref="Adaptation"/>), source-only (the baseline) or self-training (source labels and target pseudo-labels).</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Adapted;

    /// <summary>
    /// What adaptation does: discriminator input, entropy term, Fourier restyling. Null: AdaptSegNet
    /// in adapted mode, nothing in self-training mode; ignored in source-only mode.
    /// </summary>
    public AdaptationConfig? Adaptation { get; init; }

    /// <summary>Loss weights of self-training mode.</summary>
    public SelfTrainingConfig SelfTraining { get; init; } = new();

    /// <summary>The adaptation in force for <see cref="Mode"/>: null when nothing adapts (source-only, or self-training without a block).</summary>
    public AdaptationConfig? AdaptationInForce() => Mode switch
    {
        TrainingMode.SourceOnly => null,
        TrainingMode.Adapted => Adaptation ?? new AdaptationConfig(),
        _ => Adaptation,
    };

    /// <summary>Iterations to run (the paper stops at 150000).</summary>
    public int Iterations { get; init; } = 150_000;

    /// <summary>Length of the poly schedule (the paper: 250000).</summary>
    public int ScheduleIterations { get; init; } = 250_000;

    /// <summary>Images per batch and domain.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Batches accumulated per optimiser step.</summary>
    public int IterSize { get; init; } = 1;

    public double LearningRate { get; init; } = 2.5e-4;

    /// <summary>The heads' learning rate as a multiple of <see cref="LearningRate"/> (the paper: 10; LoveDA's code trains one group: 1).</summary>
    public double HeadLearningRateFactor { get; init; } = 10;

    /// <summary>
    /// Linear warm-up: for the first N iterations the rates of the network and the discriminators are
    /// base x iteration / N (LoveDA's <c>PREHEAT_STEPS</c>); then the poly schedule, counted from iteration 0. 0: none (the paper).
    /// </summary>
    public int WarmupIterations { get; init; }

    /// <summary>
    /// Clip the gradient of the network, and of each discriminator separately, to this L2 norm before
    /// each optimiser step (LoveDA's code: 35); null: no clipping (the paper).
    /// </summary>
    public double? GradientClipNorm { get; init; }
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public double Power { get; init; } = 0.9;
    public double DiscriminatorLearningRate { get; init; } = 1e-4;

    /// <summary>Segmentation loss weights (aux, main).</summary>
    public IReadOnlyList<double> LambdaSeg { get; init; } = [0.1, 1.0];

    /// <summary>Adversarial loss weights (aux, main).</summary>
    public IReadOnlyList<double> LambdaAdv { get; init; } = [0.0002, 0.001];

    /// <summary>vanilla (BCE) or least-squares.</summary>
    public GanLoss GanLoss { get; init; } = GanLoss.Vanilla;

    /// <summary>Checkpoint every N iterations (and always at the end).</summary>
    public int CheckpointEvery { get; init; } = 5000;

    /// <summary>Seed for sampling, augmentation and initialisation.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";
}

/// <summary>Training mode.</summary>
public enum TrainingMode
{
    Adapted,
    SourceOnly,

    /// <summary>Source labels and target pseudo-labels (the prepared target's training labels), usually from an adapted model (model.init).</summary>
    SelfTraining,
}
