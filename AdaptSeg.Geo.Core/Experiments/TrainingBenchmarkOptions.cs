using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// What <see cref="TrainingBenchmark.Run"/> times: the network, the trainer's settings and the sizes of one
/// adversarial iteration, fed synthetic tensors (no data is read). Built from a preset
/// (<see cref="Paper"/>, <see cref="LandCover"/>) or from an experiment file (<see cref="FromExperiment"/>).
/// </summary>
public sealed record TrainingBenchmarkOptions
{
    public int Classes { get; init; } = 19;
    public int Bands { get; init; } = 3;
    public int Batch { get; init; } = 1;
    public int SourceWidth { get; init; } = 1280;
    public int SourceHeight { get; init; } = 720;
    public int TargetWidth { get; init; } = 1024;
    public int TargetHeight { get; init; } = 512;

    /// <summary>Bottleneck blocks per stage (ResNet-101 unless told).</summary>
    public IReadOnlyList<int> Blocks { get; init; } = DeepLabMulti.ResNet101;

    /// <summary>Backbone, output stride, heads, batch norm, width.</summary>
    public DeepLabOptions Network { get; init; } = DeepLabOptions.Reference;

    /// <summary>The trainer's hyper-parameters (which losses run: an experiment's mode and method decide).</summary>
    public TrainerSettings Trainer { get; init; } = new();

    /// <summary>Discriminator width (ndf); only used when the trainer uses discriminators.</summary>
    public int DiscriminatorWidth { get; init; } = 64;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>float32 or bfloat16 (the whole model; losses stay float32).</summary>
    public TorchSharp.torch.ScalarType DType { get; init; } = TorchSharp.torch.ScalarType.Float32;

    /// <summary>Feed NHWC-strided inputs.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>Let cuDNN pick the fastest convolution algorithms.</summary>
    public bool CudnnBenchmark { get; init; }

    /// <summary>Timed iterations.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Untimed iterations first.</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>What is timed, in words (the preset's or the experiment file's name).</summary>
    public string Label { get; init; } = "paper";

    /// <summary>The paper's GTA5 -> Cityscapes step: source 1280x720, target 1024x512, batch 1, 19 classes, ResNet-101.</summary>
    public static TrainingBenchmarkOptions Paper { get; } = new();

    /// <summary>A land-cover step: 512x512 both, batch 4, 6 classes.</summary>
    public static TrainingBenchmarkOptions LandCover { get; } = new()
    {
        Classes = 6, Batch = 4, SourceWidth = 512, SourceHeight = 512, TargetWidth = 512, TargetHeight = 512, Label = "landcover",
    };

    /// <summary>
    /// One iteration of <paramref name="config"/> as it would train: its network and initialisation-free weights,
    /// classes, batch, trainer settings (mode, method, clipping, ...), and its image sizes (LoveDA's crops, a
    /// prepared folder's tiles, GTA5/Cityscapes' sizes). The bands are 3 unless <paramref name="bands"/> says otherwise
    /// (a prepared folder's band count is in its manifest, which a benchmark need not open).
    /// </summary>
    public static TrainingBenchmarkOptions FromExperiment(ExperimentConfig config, string label, int bands = 3)
    {
        ArgumentNullException.ThrowIfNull(config);
        DataConfig d = config.Data;
        (int sw, int sh, int tw, int th) = d.Loveda is { } loveda ? (loveda.CropSize, loveda.CropSize, loveda.CropSize, loveda.CropSize)
            : d.Prepared is not null ? (d.TileSize, d.TileSize, d.TileSize, d.TileSize)
            : (d.SourceSize?[0] ?? 1280, d.SourceSize?[1] ?? 720, d.TargetSize?[0] ?? 1024, d.TargetSize?[1] ?? 512);
        return new TrainingBenchmarkOptions
        {
            Classes = config.Classes.Count,
            Bands = bands,
            Batch = config.Training.BatchSize,
            SourceWidth = sw, SourceHeight = sh, TargetWidth = tw, TargetHeight = th,
            Blocks = config.Model.Blocks ?? DeepLabMulti.BlocksForDepth(config.Model.Depth),
            Network = NetworkFactory.Options(config.Model),
            Trainer = Experiment.TrainerSettingsOf(config),
            DiscriminatorWidth = config.Model.DiscriminatorWidth,
            Label = label,
        };
    }
}
