using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Training;

/// <summary>What <see cref="TrainingRun"/> trains: an experiment configuration, where it lives, and how to treat the run folder.</summary>
public sealed record TrainingRunRequest
{
    /// <summary>The experiment (read one with <see cref="JsonConfigReader.Read{T}"/>, or build it in code).</summary>
    public required ExperimentConfig Config { get; init; }

    /// <summary>
    /// The experiment file's path. Relative paths in <see cref="Config"/> are relative to its folder, its name
    /// names the default run folder (<c>runs/&lt;name&gt;</c>) and messages; the file itself need not exist for a config built in code.
    /// </summary>
    public required string ConfigPath { get; init; }

    /// <summary>Settings that replace the configuration's (they end up in the effective config).</summary>
    public ExperimentOverrides Overrides { get; init; } = new();

    /// <summary>
    /// Kinds of training data beyond prepared folders: a benchmark's batch sources (for example
    /// <c>BenchmarkBatchSources.All</c> in AdaptSeg.Geo.Benchmarks: GTA5 -> Cityscapes, LoveDA). Empty: prepared folders only.
    /// </summary>
    public IReadOnlyList<IBatchSourceFactory> DataSources { get; init; } = [];

    /// <summary>Continue from the newest checkpoint in the run folder (it must hold one).</summary>
    public bool Resume { get; init; }

    /// <summary>Start over in a run folder that already holds a run: the old run is moved aside, never deleted.</summary>
    public bool Restart { get; init; }

    /// <summary>A request for the experiment file at <paramref name="configPath"/>.</summary>
    /// <exception cref="ConfigException">The file is not a valid experiment; every problem with its JSON path.</exception>
    public static TrainingRunRequest FromFile(string configPath) => FromFile(configPath, []);

    /// <summary>
    /// A request for the experiment file at <paramref name="configPath"/> with <paramref name="overrides"/>
    /// (<c>--set key.path=value</c>) applied to its JSON before it is checked: they are validated as the
    /// file is and end up in the run's effective config.json.
    /// </summary>
    /// <exception cref="ConfigException">The file with the overrides is not a valid experiment; every problem with its JSON path.</exception>
    public static TrainingRunRequest FromFile(string configPath, IReadOnlyList<ConfigOverride> overrides) =>
        new() { Config = JsonConfigReader.Read<ExperimentConfig>(configPath, overrides), ConfigPath = Path.GetFullPath(configPath) };
}
