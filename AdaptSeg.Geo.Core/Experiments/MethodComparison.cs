using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Training;
using AdaptSeg.Geo.Visualisation;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// <c>adaptseg compare</c>: trains every row (source-only, adaptation presets) for every seed on one
/// prepared pair with the same hyperparameters, fixed before the run, predicts the target scenes with
/// each final model and scores them against the target's evaluation labels, which only score, never
/// select (no early stopping, no model choice). Rows of one seed share the network initialisation and
/// the sampled tiles. The self-training row makes pseudo-labels of the target scenes with the same
/// seed's adaptsegnet model and trains one round from that model on them. Writes comparison.json, comparison.md (the README-ready table) and comparison.png.
/// </summary>
public static class MethodComparison
{
    /// <summary>Marks a folder as a comparison's output (which a later comparison may replace).</summary>
    public const string Marker = ".adaptseg-compare";

    /// <summary>
    /// Creates <paramref name="output"/> and marks it as a comparison's, or accepts a previous
    /// comparison's output; refuses any other non-empty folder, so nothing of the user's is replaced.
    /// </summary>
    /// <returns>The full path.</returns>
    public static string ClaimOutput(string output) => OutputFolderClaim.Claim(output, Marker, "comparison");

    /// <summary>The target scenes of <paramref name="prepared"/> that have evaluation labels (they only score).</summary>
    /// <exception cref="PreparedDatasetException">None has: nothing could be scored.</exception>
    internal static List<PreparedScene> ScoredTargetScenes(PreparedDataset prepared)
    {
        var scored = prepared.Target.Scenes.Where(s => s.LabelPath is not null).ToList();
        return scored.Count > 0 ? scored : throw new PreparedDatasetException(
            $"No target scene of '{prepared.Folder}' has evaluation labels, so nothing can be scored. Give the target scenes labels in the prepare config and prepare again.",
            prepared.Folder);
    }

    /// <summary>Runs the comparison; returns its result (also written under <see cref="ComparisonOptions.Output"/>).</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="PreparedDatasetException">The prepared pair has no target scene with evaluation labels.</exception>
    public static ComparisonResult Run(ComparisonOptions options, IProgress<ComparisonProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("compare: " + string.Join("; ", problems) + ".");
        }

        string output = ClaimOutput(options.Output);

        PreparedDataset prepared = PreparedDataset.Load(options.Prepared);
        var scored = ScoredTargetScenes(prepared);

        ExperimentConfig config = JsonConfigReader.Read<ExperimentConfig>(options.ExperimentConfig, options.Set);
        int iterations = options.Iterations ?? config.Training.Iterations;
        int tile = options.TileSize ?? config.Data.TileSize;
        string experiment = WriteExperiment(options, config, tile);

        var runs = new List<ComparisonRun>();
        long[]? referenceCounts = null;
        int total = options.Rows.Count * options.Seeds.Count, index = 0;
        foreach (int seed in options.Seeds)
        {
            foreach (string row in options.Rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                index++;
                var stage = new Progress(progress, index, total, row, seed);
                string folder = Path.Combine(options.Output, "runs", $"{row.Replace('+', '-')}-seed{seed}");
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                double cpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                var overrides = new ExperimentOverrides
                {
                    Prepared = prepared.Folder,
                    Output = folder,
                    Device = options.Device,
                    Iterations = iterations,
                    Seed = seed,
                    Mode = row == ComparisonOptions.SourceOnly ? TrainingMode.SourceOnly : TrainingMode.Adapted,
                    Method = row is ComparisonOptions.SourceOnly or ComparisonOptions.SelfTraining ? null : row,
                };
                if (row == ComparisonOptions.SelfTraining)
                {
                    // One round from this seed's adaptsegnet model, on its pseudo-labels of the target scenes.
                    string teacher = runs.Single(r => r.Row == ComparisonOptions.Baseline && r.Seed == seed).ModelPath;
                    string withPseudoLabels = PrepareSelfTraining(prepared, teacher, Path.Combine(folder, "prepared"), options, stage, cancellationToken);
                    overrides = overrides with { Prepared = withPseudoLabels, Mode = TrainingMode.SelfTraining, Init = teacher };
                }

                var (model, seconds, counts) = Train(experiment, overrides, f => stage.Report("train", f), cancellationToken);
                var matrix = new ConfusionMatrix(prepared.ClassNames.Count);
                var predicted = new long[prepared.ClassNames.Count];
                for (int s = 0; s < scored.Count; s++)
                {
                    string mask = Path.Combine(folder, $"target-{s}.tif");
                    PredictionSummary summary = Predict(model, scored[s].ImagePath, mask, options, stage, cancellationToken);
                    for (int c = 0; c < predicted.Length; c++)
                    {
                        predicted[c] += summary.ClassPixels[c];
                    }

                    matrix.Add(RasterEvaluator.Evaluate(mask, scored[s].LabelPath!, prepared.ClassNames, null, cancellationToken).Matrix);
                }

                referenceCounts = [.. Enumerable.Range(0, matrix.ClassCount).Select(matrix.ReferenceCount)];
                double cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuBefore;
                runs.Add(new ComparisonRun(row, seed, 100 * matrix.MeanIoU(), [.. matrix.IoU().Select(v => 100 * v)], Percent(predicted),
                    counts is null ? [] : Percent(counts.SourceLabels), seconds, cpu, model));
            }
        }

        string settings = string.Create(CultureInfo.InvariantCulture,
            $"Target mIoU (%) on '{Path.GetFileName(prepared.Folder.TrimEnd('/'))}' ({string.Join(", ", scored.Select(s => s.Name))}), mean ± std over seeds " +
            $"{string.Join(", ", options.Seeds)}: {iterations} iterations, {tile}-px tiles, batch {config.Training.BatchSize}, network blocks " +
            $"[{string.Join(",", config.Model.Blocks ?? DeepLabMulti.BlocksForDepth(config.Model.Depth))}] width {config.Model.Width}, " +
            $"from '{Path.GetFileName(options.ExperimentConfig)}'; {DeviceDescription(options.Device)}; " +
            $"paired Δ: per seed, minus {ComparisonOptions.SourceOnly} (or {ComparisonOptions.Baseline}) of the same seed, with its {100 * PairedDifference.DefaultConfidence:0} % confidence interval (Student's t over the seeds).");
        var result = new ComparisonResult(prepared.ClassNames, runs, settings, referenceCounts is null ? null : Percent(referenceCounts), options.ShareShiftThreshold);
        Write(Path.Combine(options.Output, "comparison.json"), result.ToJson());
        Write(Path.Combine(options.Output, "comparison.md"), result.ToMarkdown());
        ComparisonChart.Save(Path.Combine(options.Output, "comparison.png"), settings.Split(':')[0],
            result.Summaries.Select(s => (s.Row, s.MeanIoU, s.MeanIoUStd)).ToList());
        return result;
    }

    /// <summary>The experiment file every run uses: the given one with the tile size set (paths made absolute), in the output folder.</summary>
    private static string WriteExperiment(ComparisonOptions options, ExperimentConfig config, int tile)
    {
        string baseFolder = Path.GetDirectoryName(Path.GetFullPath(options.ExperimentConfig))!;
        ExperimentConfig fixedConfig = config with
        {
            Data = config.Data with { TileSize = tile, Prepared = options.Prepared },
            Model = config.Model.Init is null ? config.Model : config.Model with { Init = config.Model.Init with { Path = ExperimentConfigValidator.Resolve(baseFolder, config.Model.Init.Path) } },
        };
        Directory.CreateDirectory(options.Output);
        string path = Path.Combine(options.Output, "experiment.json");
        Write(path, System.Text.Json.JsonSerializer.Serialize(fixedConfig, JsonConfigReader.Options));
        return path;
    }

    /// <summary>
    /// A copy of the prepared pair whose target scenes carry the teacher's pseudo-labels as training
    /// labels (the manifest field 'adaptseg prepare' writes from a scene's "trainingLabels"; the
    /// pseudo-labels are made on the prepared grid, so nothing is resampled). Evaluation labels stay
    /// apart and are never read for training.
    /// </summary>
    private static string PrepareSelfTraining(PreparedDataset prepared, string teacher, string folder, ComparisonOptions options, Progress stage, CancellationToken cancellationToken)
    {
        CopyFolder(prepared.Folder, folder);
        string manifestPath = Path.Combine(folder, "prepared.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var scenes = manifest["target"]!["scenes"]!.AsArray();
        Directory.CreateDirectory(Path.Combine(folder, "pseudo"));
        for (int s = 0; s < prepared.Target.Scenes.Count; s++)
        {
            PreparedScene scene = prepared.Target.Scenes[s];
            string relative = $"pseudo/{s}-{string.Concat(scene.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'))}.tif";
            Inference.PseudoLabelGeneration.Run(new Inference.PseudoLabelOptions
            {
                Checkpoints = [teacher],
                InputPath = Path.Combine(folder, Path.GetRelativePath(prepared.Folder, scene.ImagePath)),
                OutputPath = Path.Combine(folder, relative),
                Device = options.Device,
                Stitch = options.Stitch,
            }, new SynchronousProgress<StitchProgress>(p => stage.Report("pseudo-label", (double)p.TilesDone / Math.Max(1, p.TileCount))), cancellationToken);
            scenes[s]!["trainingLabels"] = relative;
            scenes[s]!["inputTrainingLabels"] = Path.Combine(folder, relative);
            scenes[s]!["trainingLabelResampling"] = "nearest";
        }

        Write(manifestPath, manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return folder;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>
    /// "CPU (AVX2): numbers change with the instruction set as with the seed" for a CPU run (libtorch
    /// and oneDNN pick kernels by it, which round differently); the device's name otherwise.
    /// </summary>
    public static string DeviceDescription(string device)
    {
        var resolved = Runtime.TorchRuntime.ResolveDevice(device);
        return resolved.type == TorchSharp.DeviceType.CPU
            ? $"CPU ({CpuInstructionSet.Describe()}: numbers change with the instruction set as with the seed)"
            : $"device {resolved}";
    }

    private static double[] Percent(IReadOnlyList<long> counts) => [.. Evaluation.ClassShares.Of(counts).Select(v => 100 * v)];

    /// <summary>Trains one run of <paramref name="experimentPath"/> and saves its model.pth (also for <see cref="EngineComparison"/>); reports the fraction done.</summary>
    internal static (string Model, double Seconds, ClassCounts? Counts) Train(string experimentPath, ExperimentOverrides overrides, Action<double> report, CancellationToken cancellationToken)
    {
        // Each run starts with no finalizer pending from the previous runs' TorchSharp objects: a finalizer
        // that frees a native scalar while libtorch reads it corrupts a step (see Runtime.NoGcRegion).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using Experiment experiment = Experiment.Create(experimentPath, overrides);
        TrainingSession session = experiment.CreateSession();
        TrainingOutcome outcome = session.Run(0, new SynchronousProgress<TrainingProgress>(p => report((double)p.Iteration / p.TotalIterations)), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        string model = Path.Combine(experiment.RunOptions.RunFolder, "model.pth");
        ModelPackage.Save(model, experiment.Network, experiment.Describe(outcome.NextIteration));
        return (model, outcome.Elapsed.TotalSeconds, outcome.Counts);
    }

    private static PredictionSummary Predict(string model, string image, string mask, ComparisonOptions options, Progress stage, CancellationToken cancellationToken)
    {
        var device = Runtime.TorchRuntime.ResolveDevice(options.Device);
        var (network, description) = ModelPackage.Load(model, device);
        BandStatistics statistics = description.TargetStatistics ?? description.SourceStatistics
            ?? throw new InvalidDataException($"'{model}' holds no band statistics to normalise the target with.");
        using var predictor = new NetworkTilePredictor(network, statistics, device, description.Classes, ownsNetwork: true);
        var request = new PredictionRequest { InputPath = image, MaskPath = mask, Stitch = options.Stitch };
        return RasterPrediction.Run(request, predictor, new SynchronousProgress<StitchProgress>(p => stage.Report("predict", (double)p.TilesDone / Math.Max(1, p.TileCount))), cancellationToken);
    }

    private static void Write(string path, string text) => Runtime.AtomicFile.WriteAllText(path, text);

    private sealed class Progress(IProgress<ComparisonProgress>? inner, int run, int runs, string row, int seed)
    {
        public void Report(string stage, double fraction) => inner?.Report(new ComparisonProgress(run, runs, row, seed, stage, fraction));
    }
}
