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
using AdaptSeg.Geo.Training;
using AdaptSeg.Geo.Visualisation;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// The product's main job on the bundled sample pair (the entry point of <c>adaptseg demo</c>): Landsat-7 over
/// Olinda (labelled source) and a CBERS-2 scene (unlabelled target): prepare both, train source-only and
/// adapted from the same seed, predict both on the target, evaluate both against the target's derived labels
/// (used only to score), and write masks, a quicklook and a side-by-side report.
/// </summary>
public static class SampleDemo
{
    /// <summary>The marker of a demo's output folder.</summary>
    public const string Marker = ".adaptseg-demo";

    /// <summary>The two runs, in order.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["source-only", "adapted"];

    /// <summary>The demo's class colours: water, vegetation, other.</summary>
    public static IReadOnlyList<Rgb24> Colours { get; } = [new(31, 120, 220), new(46, 160, 67), new(214, 188, 142)];

    private const int Steps = 5;

    /// <summary>Runs the demo; see the type's summary.</summary>
    /// <exception cref="IOException">The output folder holds something the demo did not make.</exception>
    public static SampleDemoResult Run(SampleDemoOptions options, IProgress<SampleDemoProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        int iterations = options.Iterations ?? (options.Full ? 5000 : 300);
        if (iterations < 1)
        {
            throw new ArgumentException($"SampleDemoOptions.Iterations must be at least 1, got {iterations}.", nameof(options));
        }

        string output = OutputFolderClaim.Claim(options.Output, Marker, "demo");

        // 1. Prepare: both scenes onto one grid, statistics, tile index.
        PreparedDataset prepared = SampleData.Prepare(options.Repository, Path.Combine(output, "prepared"),
            new SynchronousProgress<PrepareProgress>(p => progress?.Report(new SampleDemoProgress(1, Steps, "prepare", (long)(p.Fraction * 100), 100, $"{p.Stage} {p.Scene}".Trim()))),
            cancellationToken);

        // 2-3. Train source-only, then adapted, from the same seed and the same sampled tiles.
        var training = new Dictionary<string, TrainingRunResult>();
        for (int m = 0; m < Modes.Count; m++)
        {
            string mode = Modes[m];
            string runFolder = Path.Combine(output, "runs", mode);
            if (Directory.Exists(runFolder))
            {
                Directory.Delete(runFolder, recursive: true); // an earlier demo's run, inside the demo's own folder
            }

            var request = TrainingRunRequest.FromFile(Path.Combine(options.Repository, SampleData.Experiment)) with
            {
                Overrides = new ExperimentOverrides
                {
                    Prepared = prepared.Folder,
                    Output = runFolder,
                    Device = options.Device,
                    Iterations = iterations,
                    Mode = mode == "adapted" ? TrainingMode.Adapted : TrainingMode.SourceOnly,
                    Full = options.Full,
                },
            };
            int step = m + 2;
            TrainingRunResult result = TrainingRun.Execute(request, new SynchronousProgress<TrainingProgress>(p => progress?.Report(new SampleDemoProgress(step, Steps, $"train {mode}",
                p.Iteration, p.TotalIterations, string.Create(CultureInfo.InvariantCulture, $"seg {p.Losses.SegMain:F3} adv {p.Losses.AdvMain:F3} D {p.Losses.DiscMain:F3}")))), cancellationToken);
            training[mode] = result;
            if (result.Cancelled)
            {
                return new SampleDemoResult(true, output, training, new Dictionary<string, EvaluationReport>(), "", clock.Elapsed);
            }
        }

        // 4. Predict both on the target grid and evaluate against the target's derived labels.
        PreparedScene target = prepared.Target.Scenes[0];
        if (target.LabelPath is null)
        {
            throw new PreparedDatasetException($"The prepared target in '{prepared.Folder}' has no labels to evaluate against.", prepared.Folder);
        }

        var legend = new ClassLegend([.. prepared.ClassNames.Select((n, i) => new ClassEntry(i, n, Colours[i % 3].R, Colours[i % 3].G, Colours[i % 3].B))]);
        Directory.CreateDirectory(Path.Combine(output, "masks"));
        var reports = new Dictionary<string, EvaluationReport>();
        var shares = new Dictionary<string, string>();
        foreach (string mode in Modes)
        {
            string mask = Path.Combine(output, "masks", $"{mode}.tif");
            PredictionSummary summary = RasterPrediction.Run(new PredictionRequest
            {
                InputPath = target.ImagePath,
                MaskPath = mask,
                Legend = legend,
                Stitch = new StitchOptions { TileSize = 256, BatchSize = 4 },
                Overwrite = true, // the demo's own folder
            }, training[mode].ModelPath, new ModelLoadOptions { Device = options.Device },
                new SynchronousProgress<StitchProgress>(p => progress?.Report(new SampleDemoProgress(4, Steps, $"predict {mode}", p.TilesDone, p.TileCount, ""))), cancellationToken);
            shares[mode] = ClassShares.Format(summary.ClassNames, summary.ClassShares);
            reports[mode] = RasterEvaluation.Run(new RasterEvaluationOptions
            {
                PredictionPath = mask,
                ReferencePath = target.LabelPath,
                ClassNames = prepared.ClassNames,
                ReportPath = Path.Combine(output, $"evaluation-{mode}.json"),
                Overwrite = true,
            }, null, cancellationToken);
        }

        // 5. Report and quicklook.
        progress?.Report(new SampleDemoProgress(5, Steps, "report", 0, 1, ""));
        Quicklook.Save(Path.Combine(output, "quicklook.png"), target.ImagePath, [2, 1, 3],
            [("source-only", Path.Combine(output, "masks", "source-only.tif")), ("adapted", Path.Combine(output, "masks", "adapted.tif")), ("reference", target.LabelPath)],
            Colours, "CBERS-2 (NIR,R,G)");
        // The class shares need no label: they are what a user without labels sees of the two models. The
        // numbers change with the CPU's instruction set as with the seed, so the report names it.
        string device = MethodComparison.DeviceDescription(options.Device);
        string table = Table(prepared.ClassNames, reports["source-only"], reports["adapted"]) +
            $"\nClass shares of the target masks (no labels used)\n{"source-only",-12} {shares["source-only"]}\n{"adapted",-12} {shares["adapted"]}\n\nRan on {device}.\n";
        AtomicFile.WriteAllText(Path.Combine(output, "report.txt"), table);
        AtomicFile.WriteAllText(Path.Combine(output, "report.json"), JsonSerializer.Serialize(new
        {
            iterations,
            full = options.Full,
            device,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            sourceOnlyMiou = Math.Round(100 * reports["source-only"].MeanIoU, 2),
            adaptedMiou = Math.Round(100 * reports["adapted"].MeanIoU, 2),
            trainingSeconds = training.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value.Outcome.Elapsed.TotalSeconds, 1)),
        }, new JsonSerializerOptions { WriteIndented = true }));
        progress?.Report(new SampleDemoProgress(5, Steps, "report", 1, 1, ""));
        return new SampleDemoResult(false, output, training, reports, table, clock.Elapsed);
    }

    /// <summary>Per-class IoU of both models side by side, with mIoU and pixel accuracy.</summary>
    public static string Table(IReadOnlyList<string> classes, EvaluationReport sourceOnly, EvaluationReport adapted)
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
}
