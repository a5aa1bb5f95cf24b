using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Everything needed to rebuild a trained network and use it on new rasters: classes, input
/// bands, architecture, and the band statistics used for normalisation. Saved inside model files.
/// </summary>
public sealed record ModelDescription
{
    public required IReadOnlyList<string> Classes { get; init; }
    public required int InputBands { get; init; }
    public required IReadOnlyList<int> Blocks { get; init; }
    public int Width { get; init; } = 64;
    public bool AsppAllBranches { get; init; }
    public bool FrozenBatchNormStatistics { get; init; }

    /// <summary>The ResNet the heads sit on; absent in model files written before it was recorded: the reference DeepLab-v2.</summary>
    public BackboneKind Backbone { get; init; } = BackboneKind.DeepLabV2ResNet;

    /// <summary>8 or 16 (torchvision only); absent in older model files: 8.</summary>
    public int OutputStride { get; init; } = 8;

    /// <summary>Whether the batch-norm scales and shifts trained (they are saved either way; this matters when training continues).</summary>
    public bool TrainableBatchNorm { get; init; }

    public IReadOnlyList<string>? BandNames { get; init; }

    /// <summary>Statistics of the source domain (training).</summary>
    public BandStatistics? SourceStatistics { get; init; }

    /// <summary>Statistics the target domain was normalised with (its own, or the source's when shared).</summary>
    public BandStatistics? TargetStatistics { get; init; }

    /// <summary>How the model was trained: adapted or source-only.</summary>
    public string? TrainingMode { get; init; }

    /// <summary>Iterations trained.</summary>
    public int Iterations { get; init; }

    /// <summary>
    /// The grid of the prepared data the model was trained on (CRS and pixel size); null in models
    /// written before it was recorded (they predict at the input's pixel size).
    /// </summary>
    public TrainingGrid? TrainingGrid { get; init; }

    /// <summary>The network options this description records.</summary>
    public DeepLabOptions NetworkOptions() => new()
    {
        Backbone = Backbone,
        OutputStride = OutputStride,
        AsppAllBranches = AsppAllBranches,
        FrozenBatchNormStatistics = FrozenBatchNormStatistics,
        TrainableBatchNorm = TrainableBatchNorm,
        Width = Width,
    };

    /// <summary>Builds the network this description describes.</summary>
    public DeepLabMulti CreateNetwork() => new(Classes.Count, InputBands, Blocks, NetworkOptions());
}
