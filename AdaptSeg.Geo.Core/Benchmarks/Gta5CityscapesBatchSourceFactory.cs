using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// The GTA5 -> Cityscapes data (<see cref="DataConfig.Gta5"/> and <see cref="DataConfig.Cityscapes"/>): GTA5
/// images and labels as the source, Cityscapes train images as the target, preprocessed as the reference.
/// </summary>
public sealed class Gta5CityscapesBatchSourceFactory : IBatchSourceFactory
{
    /// <summary>The one instance (it holds no state).</summary>
    public static Gta5CityscapesBatchSourceFactory Instance { get; } = new();

    /// <inheritdoc />
    public string Kind => "GTA5 -> Cityscapes (data.gta5, data.cityscapes)";

    /// <inheritdoc />
    public bool Handles(DataConfig data) => data.Gta5 is not null || data.Cityscapes is not null;

    /// <inheritdoc />
    public TrainingData Open(ExperimentConfig config, string baseFolder, string configPath)
    {
        DataConfig d = config.Data;
        IReadOnlyList<int> sourceSize = d.SourceSize ?? [Gta5Dataset.DefaultWidth, Gta5Dataset.DefaultHeight];
        IReadOnlyList<int> targetSize = d.TargetSize ?? [CityscapesDataset.DefaultWidth, CityscapesDataset.DefaultHeight];
        try
        {
            var gta5 = new Gta5Dataset(ExperimentConfigValidator.Resolve(baseFolder, d.Gta5!), null, sourceSize[0], sourceSize[1]);
            var cityscapes = new CityscapesDataset(ExperimentConfigValidator.Resolve(baseFolder, d.Cityscapes!), "train", null, requireLabels: false);
            var batches = new Gta5CityscapesBatchSource(gta5, cityscapes, config.Training.BatchSize, config.Training.IterSize, config.Training.Seed,
                targetSize[0], targetSize[1], mirror: d.Flips);
            // The reference preprocessing swaps the images to B, G, R (ImagePreprocessing), as the Caffe-trained init expects.
            return new TrainingData(batches, CityscapesLabels.ClassNames, "the Cityscapes trainIds", 3) { BandNames = ["blue", "green", "red"] };
        }
        catch (CityscapesDataException e)
        {
            throw new ConfigException(configPath, [$"$.data: {e.Message}"]);
        }
    }
}
