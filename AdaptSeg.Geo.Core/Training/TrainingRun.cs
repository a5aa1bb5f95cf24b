using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// The library's entry point for <c>adaptseg train</c>: builds the experiment, checks that the run's files
/// are none of its inputs, resumes or moves an old run aside as asked, trains with atomic checkpoints and
/// writes the final model.pth. <see cref="Execute"/> does it all in one call; <see cref="Open"/> then
/// <see cref="Run"/> lets a caller show what was set up before the iterations start.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    private readonly TrainingSession _session;

    private TrainingRun(Experiment experiment, TrainingSession session, int startIteration, string? movedAsideTo, string? tornLogLine)
    {
        Experiment = experiment;
        _session = session;
        StartIteration = startIteration;
        MovedAsideTo = movedAsideTo;
        TornLogLine = tornLogLine;
    }

    /// <summary>The network, discriminators, data and run options built from the request.</summary>
    public Experiment Experiment { get; }

    /// <summary>The iteration training starts at (0, or the resumed checkpoint's).</summary>
    public int StartIteration { get; }

    /// <summary>Where a previous run was moved with <see cref="TrainingRunRequest.Restart"/>, else null.</summary>
    public string? MovedAsideTo { get; }

    /// <summary>On resume, the last log line that was cut short (a crash while writing it) and is dropped, else null.</summary>
    public string? TornLogLine { get; }

    /// <summary>The model.pth the run writes at its end.</summary>
    public string ModelPath => Path.Combine(Experiment.RunOptions.RunFolder, "model.pth");

    /// <summary>Where the effective configuration is written (config.json, or config.effective.json when config.json is the experiment file).</summary>
    public string EffectiveConfigPath => _session.ConfigPath;

    /// <summary>Opens and runs <paramref name="request"/> to its end (or until cancelled), then writes model.pth.</summary>
    public static TrainingRunResult Execute(TrainingRunRequest request, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using TrainingRun run = Open(request);
        return run.Run(progress, cancellationToken);
    }

    /// <summary>Builds the experiment and prepares its run folder (resume, or move an old run aside); trains nothing yet.</summary>
    /// <exception cref="ConfigException">The configuration is invalid, or resuming finds no checkpoint.</exception>
    /// <exception cref="UnsafePathException">A file of the run would replace an input.</exception>
    /// <exception cref="IOException">The run folder already holds a run and neither resume nor restart was asked.</exception>
    public static TrainingRun Open(TrainingRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Resume && request.Restart)
        {
            throw new ArgumentException("Resume continues the run in the folder and restart moves it aside to start over; ask for one of them.", nameof(request));
        }

        string configPath = Path.GetFullPath(request.ConfigPath);
        Experiment experiment = Experiment.Create(request.Config, configPath, request.Overrides, request.DataSources);
        try
        {
            return Prepare(experiment, configPath, request);
        }
        catch
        {
            experiment.Dispose();
            throw;
        }
    }

    /// <summary>Trains from <see cref="StartIteration"/>, then writes model.pth (also when cancelled, beside the checkpoint).</summary>
    public TrainingRunResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        TrainingOutcome outcome = _session.Run(StartIteration, progress, cancellationToken);
        ModelPackage.Save(ModelPath, Experiment.Network, Experiment.Describe(outcome.NextIteration));
        return new TrainingRunResult(outcome.Cancelled, ModelPath, Experiment.RunOptions.RunFolder, outcome);
    }

    /// <inheritdoc />
    public void Dispose() => Experiment.Dispose();

    private static TrainingRun Prepare(Experiment experiment, string configPath, TrainingRunRequest request)
    {
        TrainingSession session = experiment.CreateSession();
        TrainingRunOptions options = experiment.RunOptions;
        string run = options.RunFolder;
        string baseFolder = Path.GetDirectoryName(configPath)!;
        string? init = experiment.Config.Model.Init is { } i ? ExperimentConfigValidator.Resolve(baseFolder, i.Path) : null;
        session.Inputs = [.. new[] { configPath, init }.OfType<string>()];

        // The files of the run must not be the experiment file or the initial weights (config.json is
        // handled apart: the effective configuration then goes to config.effective.json).
        OutputGuard.Check([("TrainingRunRequest.ConfigPath", configPath), ("$.model.init", init)],
            [("the run's model", Path.Combine(run, "model.pth")), ("the run's log", options.LogPath), ("the run's loss plot", options.PlotPath)],
            overwrite: true);
        if (init is not null && FileIdentity.IsInside(init, options.CheckpointsFolder))
        {
            throw new UnsafePathException($"$.model.init '{init}' lies in the run's checkpoints folder, which training prunes; copy it elsewhere or choose another run folder ($.output).", init);
        }

        int start = 0;
        string? torn = null;
        string? aside = null;
        if (request.Resume)
        {
            start = session.Resume();
            if (start == 0)
            {
                throw new ConfigException(configPath, [$"TrainingRunRequest.Resume: no checkpoint in '{options.CheckpointsFolder}'. Start without resuming (with TrainingRunRequest.Restart if the folder holds a log or model)."]);
            }

            TrainingLog.Read(options.LogPath, out torn);
        }
        else if (RunFolder.HoldsRun(run))
        {
            if (!request.Restart)
            {
                throw new IOException(
                    $"The run folder '{run}' already holds a training run (log.jsonl, checkpoints/ or model.pth); nothing was changed. " +
                    "Continue it (TrainingRunRequest.Resume), start over (TrainingRunRequest.Restart: the old run is moved aside to a new folder, nothing is deleted), or choose another run folder ($.output).");
            }

            aside = RunFolder.MoveAside(run, session.Inputs);
        }

        return new TrainingRun(experiment, session, start, aside, torn);
    }
}
