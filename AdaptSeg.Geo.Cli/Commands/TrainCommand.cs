using System.CommandLine;
using System.Globalization;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg train</c>: train source-only or adapted from a JSON experiment file.</summary>
internal sealed class TrainCommand
{
    private static readonly Option<FileInfo> ConfigFile = new("--config", "-c")
    {
        Description = "Experiment file (JSON; see sample-configs/). Relative paths in it are relative to the file.",
        Required = true,
    };

    private static readonly Option<bool> Resume = new("--resume")
    {
        Description = "Continue from the newest checkpoint in the run folder: same weights, optimiser states, schedule and data order.",
    };

    private static readonly Option<bool> Restart = new("--restart")
    {
        Description = "Start over in a run folder that already holds a run: the old run (checkpoints/, log.jsonl, losses.png, quicklook.png, TensorBoard event files, model.pth, config.json) is moved aside to '<folder>.previous-<date>-<time>', never deleted.",
    };

    private static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "Run folder (checkpoints/, log.jsonl, losses.png, model.pth). Default: the config's 'output', else runs/<config name>.",
    };

    private static readonly Option<string?> Device = new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto (overrides training.device).",
    };

    private static readonly Option<int?> Iterations = new("--iterations")
    {
        Description = "Total iterations (overrides training.iterations).",
    };

    private static readonly Option<TrainingMode?> Mode = new("--mode")
    {
        Description = "adapted, source-only or self-training (overrides training.mode; self-training needs model.init and target pseudo-labels).",
        CustomParser = r => r.Tokens.Count == 0 ? null : r.Tokens[0].Value.ToLowerInvariant() switch
        {
            "adapted" => TrainingMode.Adapted,
            "source-only" => TrainingMode.SourceOnly,
            "self-training" => TrainingMode.SelfTraining,
            _ => throw new ArgumentException($"--mode must be adapted, source-only or self-training, not '{r.Tokens[0].Value}'."),
        },
    };

    private static readonly Option<string?> Method = new("--method")
    {
        Description = "Adaptation preset replacing training.adaptation: " + string.Join(", ", AdaptationPresets.Names) +
            " (see docs/training.md). Not with --mode source-only.",
    };

    /// <summary>Shared with <c>compare</c>: <c>--set key.path=value</c>, repeatable.</summary>
    internal static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override one key of the experiment file: --set training.learningRate=1e-3 --set training.lambdaAdv=[0.0002,0.001]. " +
            "A dot path as the file spells its keys (camelCase; a number indexes an array) and a JSON value (a word that is not JSON is a string). " +
            "Repeatable; checked exactly as the file is, and recorded in the run's config.json.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The <c>--set</c> values, parsed.</summary>
    internal static IReadOnlyList<ConfigOverride> ParseSets(ParseResult parse, Option<string[]> option) =>
        (parse.GetValue(option) ?? []).Select(ConfigOverride.Parse).ToList();

    private static readonly Option<string[]> Set = SetOption();

    public static Command Create()
    {
        var command = new Command("train", "Train the DeepLab-v2 multi-level network on prepared source tiles (labelled) and target tiles " +
            "(unlabelled), with output-space adversarial adaptation (or source-only). Writes atomic checkpoints, a per-iteration log, " +
            "a loss plot and the final model.pth; Ctrl+C saves a checkpoint, --resume continues exactly.")
        {
            ConfigFile, Resume, Restart, Output, Device, Iterations, Mode, Method, Set,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        var overrides = new ExperimentOverrides
        {
            Output = parse.GetValue(Output) is { } o ? Path.GetFullPath(o) : null,
            Device = parse.GetValue(Device),
            Iterations = parse.GetValue(Iterations),
            Mode = parse.GetValue(Mode),
            Method = parse.GetValue(Method),
        };
        if (parse.GetValue(Resume) && parse.GetValue(Restart))
        {
            throw new ArgumentException("--resume continues the run in the folder and --restart moves it aside to start over; give one of them.");
        }

        if (overrides.Method is { } method && !AdaptationPresets.Names.Contains(method.ToLowerInvariant()))
        {
            throw new ArgumentException($"--method '{method}' is not a preset; use one of {string.Join(", ", AdaptationPresets.Names)}.");
        }

        bool cancelled = TrainRunner.Run(parse.GetValue(ConfigFile)!.FullName, overrides, parse.GetValue(Resume), parse.Out(), parse.Err(), cancellationToken, parse.GetValue(Restart),
            ParseSets(parse, Set));
        return cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }
}

/// <summary>Runs one training experiment through <see cref="TrainingRun"/> with console progress.</summary>
internal static class TrainRunner
{
    /// <summary>" (discriminators on softmax, entropy robust from 100, FDA beta 0.05)" or "" when nothing adapts.</summary>
    internal static string Describe(AdaptationConfig? a) => a is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $" (discriminators: {(a.DiscriminatorInput == DiscriminatorInput.None ? "none" : a.DiscriminatorInput == DiscriminatorInput.Softmax ? "softmax" : "self-information")}, " +
        $"entropy: {a.Entropy.ToString().ToLowerInvariant()}, FDA: {(a.Fda is null ? "off" : $"beta {a.Fda.Beta}")})");

    /// <summary>Trains, printing the set-up, progress and outcome; returns whether it was cancelled (its checkpoint then resumes it).</summary>
    public static bool Run(string configPath, ExperimentOverrides overrides, bool resume, TextWriter output, TextWriter error, CancellationToken cancellationToken, bool restart = false,
        IReadOnlyList<ConfigOverride>? sets = null)
    {
        using TrainingRun run = TrainingRun.Open(TrainingRunRequest.FromFile(configPath, sets ?? []) with { DataSources = BenchmarkBatchSources.All, Overrides = overrides, Resume = resume, Restart = restart });
        Experiment experiment = run.Experiment;
        string folder = experiment.RunOptions.RunFolder;
        if (resume)
        {
            output.WriteLine($"Resuming at iteration {run.StartIteration} from {experiment.RunOptions.CheckpointsFolder}");
            if (run.TornLogLine is { } torn)
            {
                output.WriteLine($"note: the last line of {experiment.RunOptions.LogPath} was cut short (a crash or full disk while writing it); it is dropped: {Shorten(torn)}");
            }
        }
        else if (run.MovedAsideTo is { } aside)
        {
            output.WriteLine($"Restarting: the previous run in {folder} was moved to {aside}");
        }

        var config = experiment.Config;
        output.WriteLine($"Training {Experiment.ModeName(config.Training.Mode)}{Describe(config.Training.AdaptationInForce())}: " +
            $"{(config.Model.Backbone == BackboneKind.TorchvisionResNet ? $"torchvision ResNet (output stride {config.Model.OutputStride}), " : "")}" +
            $"blocks [{string.Join(",", experiment.Network.BlocksPerStage)}], {experiment.BandCount} bands, {config.Classes.Count} classes, " +
            $"{(config.Data.Loveda is { } loveda ? $"LoveDA {loveda.Source} -> {loveda.Target}, crops {loveda.CropSize}px" : config.Data.Prepared is null ? "benchmark images" : $"tiles {config.Data.TileSize}px")}, batch {config.Training.BatchSize}x{config.Training.IterSize}, {config.Training.Iterations} iterations on {experiment.Device}");
        if (experiment.InitReport is not null)
        {
            output.Write(experiment.InitReport.Describe());
        }

        var bar = ConsoleProgressBar.ForStandardError(error, $"{Experiment.ModeName(config.Training.Mode),-13}"[..11]);
        var progress = new SynchronousProgress<TrainingProgress>(p => bar.Update(p.Iteration, p.TotalIterations,
            string.Create(CultureInfo.InvariantCulture, $"seg {p.Losses.SegMain:F3} adv {p.Losses.AdvMain:F3} D {p.Losses.DiscMain:F3} ") +
            (p.Losses.EntMain != 0 ? string.Create(CultureInfo.InvariantCulture, $"ent {p.Losses.EntMain:F3} ") : "") +
            (p.Losses.TargetSegMain != 0 ? string.Create(CultureInfo.InvariantCulture, $"pseudo {p.Losses.TargetSegMain:F3} ") : "") +
            string.Create(CultureInfo.InvariantCulture, $"wait {p.LoaderWaitFraction:P0}")));
        TrainingRunResult result;
        try
        {
            result = run.Run(progress, cancellationToken);
        }
        finally
        {
            bar.Finish();
        }

        TrainingOutcome outcome = result.Outcome;
        output.WriteLine(outcome.Cancelled
            ? $"Stopped at iteration {outcome.NextIteration}; checkpoint {outcome.LastCheckpoint}. Continue with --resume."
            : $"Done: {outcome.NextIteration} iterations in {outcome.Elapsed:hh\\:mm\\:ss}, waited for data {outcome.LoaderWaitFraction:P1} of the time.");
        output.WriteLine($"Model: {result.ModelPath}  Log: {experiment.RunOptions.LogPath}  Plot: {experiment.RunOptions.PlotPath}");
        if (run.EffectiveConfigPath != Path.Combine(folder, RunFolder.ConfigFileName))
        {
            output.WriteLine($"Config: {run.EffectiveConfigPath}  (config.json in the run folder is your experiment file, so it was left as it is)");
        }

        return outcome.Cancelled;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";
}
