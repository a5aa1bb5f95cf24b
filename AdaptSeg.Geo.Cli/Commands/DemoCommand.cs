using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Training;
using AdaptSeg.Geo.Visualisation;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg demo</c>: the product's main job on the bundled sample data. Landsat-7 over Olinda
/// (labelled source) and a CBERS-2 scene (unlabelled target): prepare, train source-only, train
/// adapted, predict both on the target, evaluate both against the target's derived labels, and
/// report them side by side with a quicklook PNG.
/// </summary>
internal sealed class DemoCommand
{
    private const string Marker = ".adaptseg-demo";

    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Output folder (created; a previous demo output is reused, any other non-empty folder is refused).",
        DefaultValueFactory = _ => "demo-output",
    };

    private static readonly Option<string> Device = new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto.",
        DefaultValueFactory = _ => "auto",
    };

    private static readonly Option<int?> Iterations = new("--iterations")
    {
        Description = "Training iterations of each model (default: 300, or 5000 with --full).",
    };

    private static readonly Option<bool> Full = new("--full")
    {
        Description = "The paper's network and learning rate (ResNet-101, width 64, 2.5e-4) on 256-px tiles, batch 4, 5000 iterations: for a GPU.",
    };

    private static readonly Option<string?> Repository = new("--repository")
    {
        Description = "Folder holding sample-data/ and sample-configs/ (default: found from the current folder or the program's).",
    };

    private static readonly Rgb24[] Colours = [new(31, 120, 220), new(46, 160, 67), new(214, 188, 142)];

    public static Command Create()
    {
        var command = new Command("demo",
            "Run the whole job on the bundled sample data: prepare Landsat-7 (source, labelled) and CBERS-2 (target), train a " +
            "source-only and an adapted model, predict both on the target, evaluate both against the target's derived labels, " +
            "print per-class IoU side by side and write GeoTIFF masks and a quicklook PNG. About 5-10 minutes on 2 CPU cores.")
        {
            Out, Device, Iterations, Full, Repository,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter o = parse.Out();
        var clock = Stopwatch.StartNew();
        string repository = FindRepository(parse.GetValue(Repository));
        string output = Path.GetFullPath(parse.GetValue(Out)!);
        PrepareOutputFolder(output);
        bool full = parse.GetValue(Full);
        int iterations = parse.GetValue(Iterations) ?? (full ? 5000 : 300);
        if (iterations < 1)
        {
            throw new ArgumentException("--iterations must be at least 1.");
        }

        // 1. Prepare: both scenes onto one grid, statistics, tile index.
        o.WriteLine($"[1/5] Preparing the sample data into {Path.Combine(output, "prepared")}");
        PrepareConfig prepareConfig = PrepareConfigReader.Load(Path.Combine(repository, "sample-configs", "prepare-olinda-to-cbers.json"));
        PreparedDataset prepared;
        var prepareBar = ConsoleProgressBar.ForStandardError(parse.Err(), "prepare    ");
        try
        {
            prepared = new DatasetPreparer(prepareConfig).Run(Path.Combine(output, "prepared"), overwrite: true,
                new SynchronousProgress<PrepareProgress>(p => prepareBar.Update((long)(p.Fraction * 100), 100, $"{p.Stage} {p.Scene}")), cancellationToken);
        }
        finally
        {
            prepareBar.Finish();
        }

        // 2-3. Train source-only, then adapted, from the same seed and the same sampled tiles.
        string experiment = Path.Combine(repository, "sample-configs", "landcover-demo.json");
        var models = new Dictionary<string, TrainRunner.Result>();
        string[] modes = ["source-only", "adapted"];
        for (int m = 0; m < modes.Length; m++)
        {
            o.WriteLine($"[{m + 2}/5] Training {modes[m]} ({iterations} iterations)");
            var overrides = new ExperimentOverrides
            {
                Prepared = prepared.Folder,
                Output = Path.Combine(output, "runs", modes[m]),
                Device = parse.GetValue(Device),
                Iterations = iterations,
                Mode = modes[m] == "adapted" ? TrainingMode.Adapted : TrainingMode.SourceOnly,
                Full = full,
            };
            DeleteRun(overrides.Output);
            TrainRunner.Result result = TrainRunner.Run(experiment, overrides, resume: false, o, parse.Err(), cancellationToken);
            if (result.Cancelled)
            {
                return ExitCodes.Cancelled;
            }

            models[modes[m]] = result;
        }

        // 4. Predict both on the target grid and evaluate against the target's derived labels.
        o.WriteLine("[4/5] Predicting the target scene with both models and evaluating");
        PreparedScene target = prepared.Target.Scenes[0];
        if (target.LabelPath is null)
        {
            throw new InvalidDataException($"The prepared target in '{prepared.Folder}' has no labels to evaluate against.");
        }

        var legend = new ClassLegend([.. prepared.ClassNames.Select((n, i) => new ClassEntry(i, n, Colours[i % 3].R, Colours[i % 3].G, Colours[i % 3].B))]);
        Directory.CreateDirectory(Path.Combine(output, "masks"));
        var reports = new Dictionary<string, EvaluationReport>();
        var shares = new Dictionary<string, string>();
        foreach (string mode in modes)
        {
            string mask = Path.Combine(output, "masks", $"{mode}.tif");
            using (var predictor = (NetworkTilePredictor)new CheckpointPredictorFactory().Create(models[mode].ModelPath, parse.GetValue(Device)!))
            {
                var request = new PredictionRequest
                {
                    InputPath = target.ImagePath,
                    MaskPath = mask,
                    Legend = legend,
                    Stitch = new StitchOptions { TileSize = 256, Overlap = 128, BatchSize = 4 },
                };
                var bar = ConsoleProgressBar.ForStandardError(parse.Err(), $"predict {mode,-11}"[..19]);
                try
                {
                    PredictionSummary summary = RasterPrediction.Run(request, predictor, new SynchronousProgress<StitchProgress>(p => bar.Update(p.TilesDone, p.TileCount)), cancellationToken);
                    shares[mode] = ClassShares.Format(summary.ClassNames, summary.ClassShares);
                }
                finally
                {
                    bar.Finish();
                }
            }

            reports[mode] = RasterEvaluator.Evaluate(mask, target.LabelPath, prepared.ClassNames, null, cancellationToken);
            File.WriteAllText(Path.Combine(output, $"evaluation-{mode}.json"), reports[mode].ToJson());
        }

        // 5. Report and quicklook.
        o.WriteLine("[5/5] Writing the report and the quicklook");
        string quicklook = Path.Combine(output, "quicklook.png");
        Quicklook.Save(quicklook, target.ImagePath, [2, 1, 3],
            [("source-only", Path.Combine(output, "masks", "source-only.tif")), ("adapted", Path.Combine(output, "masks", "adapted.tif")), ("reference", target.LabelPath)],
            Colours, "CBERS-2 (NIR,R,G)");
        string device = Experiments.MethodComparison.DeviceDescription(parse.GetValue(Device)!);
        string table = Table(prepared.ClassNames, reports["source-only"], reports["adapted"]) +
            $"\nClass shares of the target masks (no labels used)\n{"source-only",-12} {shares["source-only"]}\n{"adapted",-12} {shares["adapted"]}\n\nRan on {device}.\n";
        File.WriteAllText(Path.Combine(output, "report.txt"), table);
        File.WriteAllText(Path.Combine(output, "report.json"), JsonSerializer.Serialize(new
        {
            iterations,
            full,
            device,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            sourceOnlyMiou = Math.Round(100 * reports["source-only"].MeanIoU, 2),
            adaptedMiou = Math.Round(100 * reports["adapted"].MeanIoU, 2),
            trainingSeconds = models.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value.Elapsed.TotalSeconds, 1)),
        }, new JsonSerializerOptions { WriteIndented = true }));
        o.WriteLine();
        o.Write(table);
        o.WriteLine();
        o.WriteLine($"Masks:     {Path.Combine(output, "masks")}  (GeoTIFF on the target grid, colour table and class names)");
        o.WriteLine($"Quicklook: {quicklook}  (image | source-only | adapted | reference)");
        o.WriteLine($"Runs:      {Path.Combine(output, "runs")}  (log.jsonl, losses.png, checkpoints, model.pth)");
        o.WriteLine($"Wall time: {clock.Elapsed:mm\\:ss}");
        return ExitCodes.Success;
    }

    /// <summary>Per-class IoU of both models side by side, with mIoU.</summary>
    internal static string Table(IReadOnlyList<string> classes, EvaluationReport sourceOnly, EvaluationReport adapted)
    {
        var text = new StringBuilder();
        text.AppendLine("Target (CBERS-2) IoU, %, against the derived labels");
        text.AppendLine($"{"class",-12} {"source-only",12} {"adapted",10} {"change",8}");
        for (int c = 0; c < classes.Count; c++)
        {
            double a = 100 * sourceOnly.Classes[c].IoU, b = 100 * adapted.Classes[c].IoU;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{classes[c],-12} {a,12:F2} {b,10:F2} {b - a,+8:+0.00;-0.00}"));
        }

        double ma = 100 * sourceOnly.MeanIoU, mb = 100 * adapted.MeanIoU;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"mIoU",-12} {ma,12:F2} {mb,10:F2} {mb - ma,+8:+0.00;-0.00}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{"pixel acc.",-12} {100 * sourceOnly.PixelAccuracy,12:F2} {100 * adapted.PixelAccuracy,10:F2} {100 * (adapted.PixelAccuracy - sourceOnly.PixelAccuracy),+8:+0.00;-0.00}"));
        return text.ToString();
    }

    private static string FindRepository(string? given) =>
        SampleRepository.Find(given, "The sample data were not found: run the demo from the repository (or pass --repository).");

    private static void PrepareOutputFolder(string output)
    {
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !File.Exists(Path.Combine(output, Marker)))
        {
            throw new IOException($"'{output}' exists and is not a previous demo output; choose another --out so nothing there is overwritten.");
        }

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, Marker), "Created by 'adaptseg demo'; the demo may replace what is in this folder.\n");
    }

    private static void DeleteRun(string? folder)
    {
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
