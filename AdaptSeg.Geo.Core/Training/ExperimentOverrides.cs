using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Training;

/// <summary>Command-line overrides applied on top of a configuration file (they end up in the effective config).</summary>
public sealed record ExperimentOverrides
{
    public string? Output { get; init; }
    public string? Device { get; init; }
    public int? Iterations { get; init; }
    public TrainingMode? Mode { get; init; }

    /// <summary>An adaptation preset (<see cref="AdaptationPresets"/>) replacing training.adaptation.</summary>
    public string? Method { get; init; }

    /// <summary>A seed replacing training.seed.</summary>
    public int? Seed { get; init; }

    /// <summary>Initial weights (absolute path) replacing model.init (its path and band names).</summary>
    public string? Init { get; init; }

    /// <summary>A prepared folder (absolute) replacing data.prepared.</summary>
    public string? Prepared { get; init; }

    /// <summary>
    /// The demo's "--full": the paper's network (ResNet-101, width 64) and learning rate on
    /// 256-pixel tiles with batch 4, for a GPU.
    /// </summary>
    public bool Full { get; init; }

    /// <summary>The configuration with the overrides applied.</summary>
    public ExperimentConfig Apply(ExperimentConfig config) => ApplyFull(config) with
    {
        Output = Output ?? config.Output,
        Data = Prepared is null ? config.Data : config.Data with { Prepared = Prepared },
        Model = Init is null ? config.Model : config.Model with { Init = new InitConfig { Path = Init } },
        Training = config.Training with
        {
            Device = Device ?? config.Training.Device,
            Iterations = Iterations ?? config.Training.Iterations,
            Mode = Mode ?? config.Training.Mode,
            Adaptation = Method is null ? config.Training.Adaptation : AdaptationPresets.Get(Method),
            Seed = Seed ?? config.Training.Seed,
            // A schedule as long as the run stays so when the run is lengthened or shortened.
            ScheduleIterations = Iterations is not { } n ? config.Training.ScheduleIterations
                : config.Training.ScheduleIterations == config.Training.Iterations ? n
                : Math.Max(n, config.Training.ScheduleIterations),
        },
    };

    private ExperimentConfig ApplyFull(ExperimentConfig config) => !Full ? config : config with
    {
        Data = config.Data with { TileSize = 256 },
        Model = config.Model with { Blocks = null, Depth = 101, Width = 64, DiscriminatorWidth = 64 },
        Training = config.Training with { BatchSize = 4, LearningRate = 2.5e-4 },
    };
}
