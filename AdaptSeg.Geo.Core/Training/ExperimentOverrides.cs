using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Training;

/// <summary>Command-line overrides applied on top of a configuration file (they end up in the effective config).</summary>
public sealed record ExperimentOverrides
{
    public string? Output { get; init; }
    public string? Device { get; init; }
    public int? Iterations { get; init; }
    public TrainingMode? Mode { get; init; }

    /// <summary>A prepared folder (absolute) replacing data.prepared.</summary>
    public string? Prepared { get; init; }

    /// <summary>The configuration with the overrides applied.</summary>
    public ExperimentConfig Apply(ExperimentConfig config) => config with
    {
        Output = Output ?? config.Output,
        Data = Prepared is null ? config.Data : config.Data with { Prepared = Prepared },
        Training = config.Training with
        {
            Device = Device ?? config.Training.Device,
            Iterations = Iterations ?? config.Training.Iterations,
            Mode = Mode ?? config.Training.Mode,
        },
    };
}
