using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>LoveDA as training data (<see cref="DataConfig.Loveda"/>): see <see cref="LoveDaBatchSource"/>.</summary>
public sealed class LoveDaBatchSourceFactory : IBatchSourceFactory
{
    /// <summary>The one instance (it holds no state).</summary>
    public static LoveDaBatchSourceFactory Instance { get; } = new();

    /// <inheritdoc />
    public string Kind => "LoveDA (data.loveda)";

    /// <inheritdoc />
    public bool Handles(DataConfig data) => data.Loveda is not null;

    /// <inheritdoc />
    public TrainingData Open(ExperimentConfig config, string baseFolder, string configPath)
    {
        LoveDaDataConfig d = config.Data.Loveda!;
        string root = ExperimentConfigValidator.Resolve(baseFolder, d.Root);
        try
        {
            var source = new LoveDaDataset(root, d.SourceSplit, d.Source, requireMasks: true);
            var target = new LoveDaDataset(root, d.TargetSplit, d.Target, requireMasks: false);
            var batches = new LoveDaBatchSource(source, target, config.Training.BatchSize, config.Training.IterSize, config.Training.Seed,
                d.CropSize, config.Data.Flips, config.Data.Rotations);
            var statistics = new BandStatistics([.. LoveDaClasses.Mean], [.. LoveDaClasses.Std]);
            return new TrainingData(batches, LoveDaClasses.Names, $"LoveDA ({string.Join(", ", LoveDaClasses.Names)})", 3)
            {
                BandNames = ["red", "green", "blue"],
                SourceStatistics = statistics,
                TargetStatistics = statistics,
            };
        }
        catch (LoveDaDataException e)
        {
            throw new ConfigException(configPath, [$"$.data.loveda: {e.Message}"]);
        }
    }
}
