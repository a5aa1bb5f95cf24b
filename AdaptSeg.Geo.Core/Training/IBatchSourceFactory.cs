using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// Opens the training data of one kind of <see cref="DataConfig"/> (a prepared folder, or a benchmark's
/// layout). Training knows only this interface and the prepared kind (<see cref="PreparedBatchSourceFactory"/>);
/// a benchmark (AdaptSeg.Geo.Benchmarks) plugs its own in through <see cref="TrainingRunRequest.DataSources"/>.
/// </summary>
public interface IBatchSourceFactory
{
    /// <summary>The data kind, as messages name it ("prepared data", "GTA5 -> Cityscapes", "LoveDA").</summary>
    string Kind { get; }

    /// <summary>Whether <paramref name="data"/> selects this kind (the keys it sets).</summary>
    bool Handles(DataConfig data);

    /// <summary>Opens the data for <paramref name="config"/>; relative paths resolve against <paramref name="baseFolder"/>.</summary>
    /// <exception cref="ConfigException">The data cannot be opened; the message names the JSON path and the fix.</exception>
    TrainingData Open(ExperimentConfig config, string baseFolder, string configPath);
}
