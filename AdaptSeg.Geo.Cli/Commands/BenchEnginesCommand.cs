using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg bench engines</c>: TorchSharp float32, ONNX Runtime float32 and ONNX Runtime int8 on
/// trained models, side by side: target mIoU and its change, mask agreement, ms and CPU-ms per tile
/// (Core: <see cref="EngineComparison"/>).
/// </summary>
internal sealed class BenchEnginesCommand
{
    private static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Experiment file the models are trained with (default: sample-configs/landcover-demo.json, the demo's light network).",
    };

    private static readonly Option<string?> Prepared = new("--prepared")
    {
        Description = "A prepared pair whose target scenes have evaluation labels (default: the demo's pair, prepared into <out>/prepared).",
    };

    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Output folder: runs/ (models, .onnx files, masks), engine-comparison.json and .md (a previous comparison's output is reused, any other non-empty folder refused).",
        DefaultValueFactory = _ => "engines-output",
    };

    private static readonly Option<string> Seeds = new("--seeds")
    {
        Description = "Comma-separated training seeds.",
        DefaultValueFactory = _ => "1,2,3",
    };

    private static readonly Option<int?> Iterations = new("--iterations")
    {
        Description = "Training iterations of each model (default: the experiment file's; 300 for the demo's).",
    };

    private static readonly Option<string> TrainingDevice = new("--training-device")
    {
        Description = "cpu, cuda, cuda:N or auto for training; prediction runs on the CPU.",
        DefaultValueFactory = _ => "auto",
    };

    private static readonly Option<string> CalibrationMethodOption = new("--calibration-method")
    {
        Description = "percentile (default), minmax, or both (two int8 models and rows per seed): how the int8 export picks its activation ranges.",
        DefaultValueFactory = _ => "percentile",
    };

    private static readonly Option<double> CalibrationPercentile = new("--calibration-percentile")
    {
        Description = "Upper percentile kept by --calibration-method percentile.",
        DefaultValueFactory = _ => new CalibrationOptions().Percentile,
    };

    private static readonly Option<bool> ReuseModels = new("--reuse-models")
    {
        Description = "Keep runs/seed<N>/model.pth from an earlier run in the same --out folder instead of training again (the exports, masks and scores are made anew); only for models trained with the same settings.",
    };

    private static readonly Option<string?> Repository = new("--repository")
    {
        Description = "Folder holding sample-data/ and sample-configs/ (default: found from the current folder or the program's).",
    };

    public static Command Create()
    {
        var command = new Command("engines",
            "Train a model per seed (the demo's light network by default), export it as float32 and int8 ONNX (int8 calibrated on the target's images), " +
            "predict the target with TorchSharp float32, ONNX Runtime float32 and ONNX Runtime int8, and report per engine the target mIoU, its paired change " +
            "against TorchSharp, the mask agreement with TorchSharp (% of pixels), and ms and CPU-ms per tile, with the CPU's instruction sets. " +
            "Target labels only score.")
        {
            Config, Prepared, Out, Seeds, Iterations, TrainingDevice, CalibrationMethodOption, CalibrationPercentile, ReuseModels, Repository,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter o = parse.Out();
        var clock = Stopwatch.StartNew();
        string output = Path.GetFullPath(parse.GetValue(Out)!);
        IReadOnlyList<int> seeds = CompareCommand.ParseSeeds(parse.GetValue(Seeds)!);
        CalibrationMethod[] methods = parse.GetValue(CalibrationMethodOption)!.Trim().ToLowerInvariant() switch
        {
            "percentile" => [CalibrationMethod.Percentile],
            "minmax" or "min-max" => [CalibrationMethod.MinMax],
            "both" => [CalibrationMethod.Percentile, CalibrationMethod.MinMax],
            var other => throw new ArgumentException($"--calibration-method '{other}' is not known; use percentile, minmax or both."),
        };

        MethodComparison.ClaimOutput(output);
        string config = CompareCommand.ExperimentFile(parse, Config, Repository);
        string prepared = CompareCommand.PreparedFolder(parse, Prepared, Repository, output, cancellationToken);

        var options = new EngineComparisonOptions
        {
            ExperimentConfig = config,
            Prepared = prepared,
            Output = output,
            Seeds = seeds,
            Iterations = parse.GetValue(Iterations),
            TrainingDevice = parse.GetValue(TrainingDevice)!,
            ReuseModels = parse.GetValue(ReuseModels),
            Calibrations = [.. methods.Select(m => new CalibrationOptions { Method = m, Percentile = parse.GetValue(CalibrationPercentile) })],
        };
        o.WriteLine($"CPU ISA       {CpuInstructionSet.Describe()}");
        var bar = ConsoleProgressBar.ForStandardError(parse.Err(), "engines    ");
        EngineComparisonResult result;
        try
        {
            result = EngineComparison.Run(options, new SynchronousProgress<ComparisonProgress>(q =>
                bar.Update((long)((q.Run - 1 + q.Fraction) * 1000), q.Runs * 1000L, $"seed {q.Seed} {q.Stage}")), cancellationToken);
        }
        finally
        {
            bar.Finish();
        }

        o.WriteLine();
        o.Write(result.ToMarkdown());
        o.WriteLine();
        foreach (EngineComparisonRun run in result.Runs)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {run.Seed} {run.Engine,-36} mIoU {run.MeanIoU:F2}  agreement {run.Agreement:F2} %  {run.MsPerTile:F1} ms/tile  {run.CpuMsPerTile:F1} CPU-ms/tile ({run.Tiles} tiles)"));
        }

        o.WriteLine($"Table: {Path.Combine(output, "engine-comparison.md")}  JSON: {Path.Combine(output, "engine-comparison.json")}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wall time: {clock.Elapsed:hh\\:mm\\:ss}"));
        return ExitCodes.Success;
    }
}
