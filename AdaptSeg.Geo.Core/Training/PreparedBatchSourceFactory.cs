using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;

namespace AdaptSeg.Geo.Training;

/// <summary>Training data from a folder written by <c>adaptseg prepare</c> (<see cref="DataConfig.Prepared"/>): tiles of both domains.</summary>
public sealed class PreparedBatchSourceFactory : IBatchSourceFactory
{
    /// <summary>The one instance (it holds no state).</summary>
    public static PreparedBatchSourceFactory Instance { get; } = new();

    /// <inheritdoc />
    public string Kind => "prepared data";

    /// <inheritdoc />
    public bool Handles(DataConfig data) => data.Prepared is not null;

    /// <inheritdoc />
    public TrainingData Open(ExperimentConfig config, string baseFolder, string configPath)
    {
        PreparedDataset prepared;
        try
        {
            prepared = PreparedDataset.Load(ExperimentConfigValidator.Resolve(baseFolder, config.Data.Prepared!));
        }
        catch (PreparedDatasetException e)
        {
            throw new ConfigException(configPath, [$"$.data.prepared: {e.Message}"]);
        }

        TrainingConfig t = config.Training;
        AdaptationConfig? adaptation = t.AdaptationInForce();
        bool shared = config.Data.Normalisation == Normalisation.Shared;
        var batches = new DomainBatchSource(prepared, new DomainBatchOptions
        {
            TileSize = config.Data.TileSize,
            BatchSize = t.BatchSize,
            IterSize = t.IterSize,
            MinValidFraction = config.Data.MinValidFraction,
            SharedNormalisation = shared,
            Flips = config.Data.Flips,
            Rotations = config.Data.Rotations,
            Seed = t.Seed,
            FdaBeta = adaptation?.Fda?.Beta,
            IncludeTargetLabels = t.Mode == TrainingMode.SelfTraining,
        });
        return new TrainingData(batches, prepared.ClassNames, $"the prepared data '{prepared.Folder}'", prepared.BandCount)
        {
            Prepared = prepared,
            BandNames = prepared.BandNames,
            SourceStatistics = prepared.Source.Statistics,
            TargetStatistics = shared ? prepared.Source.Statistics : prepared.Target.Statistics,
            Grid = new TrainingGrid(prepared.CrsWkt, prepared.PixelSize),
        };
    }
}
