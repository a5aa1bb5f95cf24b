using System.Diagnostics;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// <c>adaptseg bench engines</c>: what int8 costs in accuracy and gains in speed, per seed. For every
/// seed it trains one model with the experiment file's settings, exports it as a float32 .onnx and
/// as an int8 QDQ .onnx (calibrated on the prepared target's images, no labels), predicts every
/// labelled target scene with TorchSharp float32, ONNX Runtime float32 and ONNX Runtime int8 (the
/// same tiling and blending), scores each mask against the target's evaluation labels (which only
/// score), and measures the agreement with TorchSharp's mask and the time per tile. Writes
/// engine-comparison.json and engine-comparison.md.
/// </summary>
public static class EngineComparison
{
    /// <summary>The float engines, in the order run (the first is the reference); the int8 engines follow, one per calibration.</summary>
    public static readonly IReadOnlyList<string> FloatEngines = [EngineComparisonResult.Reference, "onnxruntime float32"];

    /// <summary>The int8 engine's name for a calibration: "onnxruntime int8", with the method when several are compared.</summary>
    public static string Int8Engine(CalibrationOptions calibration, bool several) =>
        several ? $"onnxruntime int8 ({Method(calibration)})" : "onnxruntime int8";

    private static string Method(CalibrationOptions calibration) =>
        calibration.Method == CalibrationMethod.MinMax ? "min-max" : FormattableString.Invariant($"percentile {calibration.Percentile}");

    /// <summary>Runs the comparison; returns its result (also written under <see cref="EngineComparisonOptions.Output"/>).</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="PreparedDatasetException">The prepared pair has no target scene with evaluation labels.</exception>
    public static EngineComparisonResult Run(EngineComparisonOptions options, IProgress<ComparisonProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("bench engines: " + string.Join("; ", problems) + ".");
        }

        string output = MethodComparison.ClaimOutput(options.Output);
        PreparedDataset prepared = PreparedDataset.Load(options.Prepared);
        var scored = MethodComparison.ScoredTargetScenes(prepared);

        ExperimentConfig config = JsonConfigReader.Read<ExperimentConfig>(options.ExperimentConfig);
        int iterations = options.Iterations ?? config.Training.Iterations;
        var runs = new List<EngineComparisonRun>();
        int seedIndex = 0;
        foreach (int seed in options.Seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            seedIndex++;
            void Report(string stage, double fraction) => progress?.Report(new ComparisonProgress(seedIndex, options.Seeds.Count, "engines", seed, stage, fraction));
            string folder = Path.Combine(output, "runs", $"seed{seed}");
            string model = Path.Combine(folder, "model.pth");
            if (options.ReuseModels && File.Exists(model))
            {
                Report("reuse model", 0.6);
                // The earlier run's exports (and their STAC Items) and masks; the trained model stays.
                foreach (string old in Directory.EnumerateFiles(folder, "*.onnx").Concat(Directory.EnumerateFiles(folder, "*.stac.json")).Concat(Directory.EnumerateFiles(folder, "target-*")).Distinct())
                {
                    File.Delete(old);
                }
            }
            else
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                model = MethodComparison.Train(options.ExperimentConfig, new ExperimentOverrides
                {
                    Prepared = prepared.Folder,
                    Output = folder,
                    Device = options.TrainingDevice,
                    Iterations = iterations,
                    Seed = seed,
                }, fraction => Report("train", 0.6 * fraction), cancellationToken).Model;
            }

            Report("export", 0);
            string floatOnnx = Path.Combine(folder, "model.onnx");
            OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = model, OutputPath = floatOnnx, DynamicSize = true }, cancellationToken: cancellationToken);
            var engines = FloatEngines.Select(e => (Name: e, Onnx: e == EngineComparisonResult.Reference ? null : floatOnnx)).ToList();
            bool several = options.Calibrations.Count > 1;
            for (int c = 0; c < options.Calibrations.Count; c++)
            {
                string int8Onnx = Path.Combine(folder, several ? $"model-int8-{c + 1}.onnx" : "model-int8.onnx");
                OnnxModelExport.Run(new OnnxExportRequest
                {
                    CheckpointPath = model,
                    OutputPath = int8Onnx,
                    DynamicSize = true,
                    Quantization = OnnxQuantization.Int8,
                    CalibrationFolder = prepared.Folder,
                    Calibration = options.Calibrations[c],
                }, new SynchronousProgress<OnnxExportProgress>(p => Report(p.Stage, 0.6 + (0.1 * (c + ((double)p.Done / Math.Max(1, p.Total))) / options.Calibrations.Count))), cancellationToken);
                engines.Add((Int8Engine(options.Calibrations[c], several), int8Onnx));
            }

            var masks = new Dictionary<string, List<string>>();
            for (int e = 0; e < engines.Count; e++)
            {
                var (engine, onnxPath) = engines[e];
                var matrix = new ConfusionMatrix(prepared.ClassNames.Count);
                masks[engine] = [];
                int tiles = 0;
                double seconds = 0, cpuSeconds = 0;
                ITilePredictor predictor = onnxPath is null ? new CheckpointPredictorFactory().Create(model, "cpu") : OnnxTilePredictor.FromFile(onnxPath);
                int threads;
                try
                {
                    threads = predictor is OnnxTilePredictor onnx ? onnx.IntraOpThreads : TorchSharp.torch.get_num_threads();
                    WarmUp(predictor, options.Stitch.TileSize);
                    for (int s = 0; s < scored.Count; s++)
                    {
                        string mask = Path.Combine(folder, $"target-{s}-{FileName(engine)}.tif");
                        var request = RasterPrediction.WithModelDefaults(new PredictionRequest { InputPath = scored[s].ImagePath, MaskPath = mask, Stitch = options.Stitch }, predictor);
                        double cpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                        PredictionSummary summary = RasterPrediction.Run(request, predictor,
                            new SynchronousProgress<StitchProgress>(p => Report($"predict {engine}", 0.7 + (0.3 * (e + ((double)p.TilesDone / Math.Max(1, p.TileCount))) / engines.Count))), cancellationToken);
                        cpuSeconds += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuBefore;
                        seconds += summary.Elapsed.TotalSeconds;
                        tiles += summary.Tiles;
                        masks[engine].Add(mask);
                        matrix.Add(RasterEvaluator.Evaluate(mask, scored[s].LabelPath!, prepared.ClassNames, null, cancellationToken).Matrix);
                    }
                }
                finally
                {
                    (predictor as IDisposable)?.Dispose();
                }

                double agreement = Agreement(masks[EngineComparisonResult.Reference], masks[engine]);
                runs.Add(new EngineComparisonRun(seed, engine, 100 * matrix.MeanIoU(), matrix.IoU().Select(v => 100 * v).ToList(), agreement,
                    tiles, 1000 * seconds / Math.Max(1, tiles), 1000 * cpuSeconds / Math.Max(1, tiles), threads));
            }
        }

        string methods = string.Join(" / ", options.Calibrations.Select(Method));
        CalibrationOptions first = options.Calibrations[0];
        string settings =
            FormattableString.Invariant($"Target ({string.Join(", ", scored.Select(s => s.Name))}) of '{Path.GetFileName(prepared.Folder.TrimEnd('/'))}', seeds {string.Join(", ", options.Seeds)}: ") +
            FormattableString.Invariant($"{iterations} training iterations of network blocks [{string.Join(",", config.Model.Blocks ?? DeepLabMulti.BlocksForDepth(config.Model.Depth))}] width {config.Model.Width} ") +
            FormattableString.Invariant($"from '{Path.GetFileName(options.ExperimentConfig)}'; predicted on the CPU in {options.Stitch.TileSize}-px tiles, overlap {options.Stitch.Overlap}, batch {options.Stitch.BatchSize}, {options.Stitch.Blend}; ") +
            FormattableString.Invariant($"int8 calibrated on up to {first.Tiles} target tiles of {first.TileSize} px ({methods}, images only). ") +
            "ms per tile: read -> network -> blend -> write.";
        var result = new EngineComparisonResult(prepared.ClassNames, runs, settings, CpuInstructionSet.Describe());
        AtomicFile.WriteAllText(Path.Combine(output, "engine-comparison.json"), result.ToJson());
        AtomicFile.WriteAllText(Path.Combine(output, "engine-comparison.md"), result.ToMarkdown());
        return result;
    }

    /// <summary>Share of pixels predicted in both masks (not nodata) that have the same class, %.</summary>
    public static double Agreement(IReadOnlyList<string> reference, IReadOnlyList<string> other)
    {
        long same = 0, total = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            var (s, t) = MaskAgreement.Count(reference[i], other[i]);
            same += s;
            total += t;
        }

        return total == 0 ? double.NaN : 100.0 * same / total;
    }

    /// <summary>An engine's name as part of a file name: letters, digits, dots and dashes.</summary>
    private static string FileName(string engine) =>
        string.Join('-', engine.Split([' ', '(', ')'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>One untimed tile, so session set-up and first-call allocations are not counted.</summary>
    private static void WarmUp(ITilePredictor predictor, int tileSize)
    {
        int plane = tileSize * tileSize;
        predictor.Predict(new float[predictor.BandCount * plane], 1, tileSize, tileSize, new float[predictor.ClassCount * plane]);
    }
}
