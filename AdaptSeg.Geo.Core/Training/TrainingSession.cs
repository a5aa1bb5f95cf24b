using System.Diagnostics;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// Runs the adversarial trainer over iterations: background loading, a per-iteration log,
/// atomic checkpoints every N iterations, at the end and on cancellation, exact resumption
/// (weights, optimiser states, schedule position, RNG; the data of an iteration depend only on
/// its number), a PNG plot of the losses, TensorBoard event files (<see cref="TensorBoardLog"/>)
/// and, at each checkpoint, a quicklook of what the network makes of the last batch's first source
/// and target tiles (quicklook.png, also in TensorBoard). The log line of the last iteration before
/// each scheduled checkpoint (and the final one) carries the class shares since the previous one
/// (<see cref="TrainingLog.Shares"/>): the source labels' and the target predictions', counted by
/// the steps as plain numbers.
/// </summary>
public sealed class TrainingSession
{
    private readonly IMultiLevelNetwork network;
    private readonly IReadOnlyList<nn.Module<Tensor, Tensor>> discriminators;
    private readonly AdversarialTrainer trainer;
    private readonly IBatchSource data;
    private readonly Device device;
    private readonly ScalarType dtype;
    private readonly TrainingRunOptions options;

    public TrainingSession(IMultiLevelNetwork network, IReadOnlyList<nn.Module<Tensor, Tensor>> discriminators, AdversarialTrainer trainer,
        IBatchSource data, Device device, TrainingRunOptions options)
    {
        this.network = network;
        this.discriminators = discriminators;
        this.trainer = trainer;
        this.data = data;
        this.device = device;
        this.options = options;
        dtype = network.Module.parameters().First().dtype;
        if (options.Iterations < 1 || options.CheckpointEvery < 1)
        {
            throw new ArgumentException("Iterations and checkpoint interval must be at least 1.", nameof(options));
        }
    }

    /// <summary>
    /// Files the run reads (the experiment file, an initial checkpoint): never written over, so when
    /// the experiment file is <c>&lt;run&gt;/config.json</c> the effective configuration goes to
    /// <c>config.effective.json</c> instead.
    /// </summary>
    public IReadOnlyList<string> Inputs { get; set; } = [];

    /// <summary>Where this run writes its effective configuration (see <see cref="Inputs"/>).</summary>
    public string ConfigPath => RunFolder.EffectiveConfigPath(options.RunFolder, Inputs);

    /// <summary>Restores the newest checkpoint of the run folder, if any; returns the iteration to start from.</summary>
    public int Resume()
    {
        string? latest = TrainingCheckpoint.FindLatest(options.CheckpointsFolder);
        if (latest is null)
        {
            return 0;
        }

        return TrainingCheckpoint.Load(latest, network, discriminators, trainer).NextIteration;
    }

    /// <summary>
    /// Trains from <paramref name="startIteration"/> up to the run's total. Starting at 0 in a folder
    /// that already holds a run is refused (<see cref="IOException"/>): resume it, or move it aside
    /// with <see cref="RunFolder.MoveAside"/> first.
    /// </summary>
    public TrainingOutcome Run(int startIteration, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (startIteration == 0 && RunFolder.HoldsRun(options.RunFolder))
        {
            throw new IOException(
                $"The run folder '{options.RunFolder}' already holds a training run (log.jsonl, checkpoints/ or model.pth). " +
                "Continue it (TrainingRunRequest.Resume), or start over (TrainingRunRequest.Restart, which moves the old run aside to a new folder, deleting nothing), or choose another run folder ($.output).");
        }

        Directory.CreateDirectory(options.RunFolder);
        Runtime.AtomicFile.WriteAllText(ConfigPath, options.ConfigJson);
        var history = TrainingLog.TruncateTo(options.LogPath, startIteration).Select(e => (e.Iteration, e.Losses)).ToList();
        TensorBoardLog board = TensorBoardLog.Open(options.RunFolder, startIteration);
        var clock = Stopwatch.StartNew();
        string? lastCheckpoint = null;
        int iteration = startIteration;
        ClassCounts? interval = null, total = null;
        int intervalStart = startIteration;
        bool targetFromTraining = false;
        IReadOnlyList<BatchData>? lastBatches = null;

        using var loader = new PrefetchingBatchLoader(data, startIteration, options.LoadAhead);
        using (var log = new StreamWriter(options.LogPath, append: true))
        {
            while (iteration < options.Iterations)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var started = clock.Elapsed;
                IReadOnlyList<BatchData> batches = loader.Get(iteration);
                bool beforeCheckpoint = (iteration + 1) % options.CheckpointEvery == 0 || iteration + 1 == options.Iterations;
                StepLosses losses = Step(iteration, batches, beforeCheckpoint, out ClassCounts counts);
                lastBatches = batches;
                history.Add((iteration, losses));
                interval = interval?.Plus(counts) ?? counts;
                total = total?.Plus(counts) ?? counts;
                targetFromTraining |= trainer.ForwardsTarget(iteration);
                TrainingLog.Shares? shares = null;
                if (beforeCheckpoint)
                {
                    shares = TrainingLog.Shares.From(intervalStart, interval, targetFromTraining);
                    (interval, intervalStart, targetFromTraining) = (null, iteration + 1, false);
                }

                double seconds = (clock.Elapsed - started).TotalSeconds;
                double rate = trainer.LearningRatesAt(iteration).Backbone;
                log.WriteLine(TrainingLog.Format(new TrainingLog.Entry(iteration, losses.SegAux, losses.SegMain, losses.AdvAux, losses.AdvMain,
                    losses.DiscAux, losses.DiscMain, rate, seconds, losses.EntAux, losses.EntMain, losses.TargetSegAux, losses.TargetSegMain, shares)));
                log.Flush();
                board.Iteration(iteration, ActiveLosses(losses), LearningRates(iteration), seconds);
                if (!losses.AllFinite)
                {
                    throw new TrainingDivergedException(iteration, losses, rate, lastCheckpoint);
                }

                iteration++;

                double perIteration = clock.Elapsed.TotalSeconds / (iteration - startIteration);
                progress?.Report(new TrainingProgress(iteration, options.Iterations, losses, clock.Elapsed,
                    TimeSpan.FromSeconds(perIteration * (options.Iterations - iteration)), loader.WaitFraction));

                if (iteration % options.CheckpointEvery == 0 && iteration < options.Iterations)
                {
                    lastCheckpoint = Checkpoint(iteration, history, board, lastBatches);
                }
            }
        }

        bool cancelled = iteration < options.Iterations;
        if (iteration > startIteration || lastCheckpoint is null)
        {
            lastCheckpoint = Checkpoint(iteration, history, board, lastBatches);
        }

        return new TrainingOutcome(iteration, cancelled, lastCheckpoint, loader.WaitFraction, clock.Elapsed, history) { Counts = total };
    }

    private string Checkpoint(int nextIteration, IReadOnlyList<(int, StepLosses)> history, TensorBoardLog board, IReadOnlyList<BatchData>? batches)
    {
        // The image goes in before the checkpoint: a crash in between resumes from an older
        // checkpoint, and the resume cuts this image away with the iterations after that one.
        if (batches is { Count: > 0 })
        {
            SaveQuicklook(batches[0]);
            board.Image("quicklook", options.QuicklookPath, nextIteration);
        }

        string folder = TrainingCheckpoint.Save(options.CheckpointsFolder, nextIteration, network, discriminators, trainer, options.ConfigJson, options.KeepCheckpoints);
        LossHistoryPlot.Save(options.PlotPath, history, options.Title);
        return folder;
    }

    /// <summary>The loss terms this run trains with (those it does not are 0 in the log and left out here).</summary>
    private IReadOnlyList<(string Name, double Value)> ActiveLosses(StepLosses losses)
    {
        TrainerSettings s = trainer.Settings;
        return [.. losses.Named.Where(n => n.Name switch
        {
            "advAux" or "advMain" or "discAux" or "discMain" => s.UsesDiscriminators,
            "entAux" or "entMain" => !s.SourceOnly && s.Entropy != Config.EntropyTerm.None,
            "targetSegAux" or "targetSegMain" => s.SelfTraining,
            _ => true,
        })];
    }

    /// <summary>The learning rates of a 0-based iteration, as the trainer sets them (warm-up included).</summary>
    private IReadOnlyList<(string Name, double Value)> LearningRates(int iteration)
    {
        var (backbone, heads, discriminator) = trainer.LearningRatesAt(iteration);
        var rates = new List<(string, double)> { ("backbone", backbone), ("heads", heads) };
        if (trainer.Settings.UsesDiscriminators)
        {
            rates.Add(("discriminator", discriminator));
        }

        return rates;
    }

    /// <summary>
    /// quicklook.png: the first source tile, its labels and the network's classes, then the first
    /// target tile and its classes (bands 1-3 as RGB; eval mode, no gradients, so neither the weights,
    /// the batch-norm statistics nor the random state change and a resumed run stays exact).
    /// </summary>
    private void SaveQuicklook(BatchData batch)
    {
        int bands = batch.Bands;
        float[][] Rgb(float[] images, int height, int width) =>
            [.. Enumerable.Range(0, 3).Select(c => images.AsSpan(Math.Min(c, bands - 1) * height * width, height * width).ToArray())];

        byte[] Classes(float[] images, int height, int width)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            network.Module.eval();
            try
            {
                Tensor input = tensor(images.AsSpan(0, bands * height * width).ToArray(), [1, bands, height, width]).to(dtype).to(device);
                var (_, main) = network.Module.call(input);
                Tensor up = nn.functional.interpolate(main, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: true);
                return up.argmax(1).to(ScalarType.Byte).cpu().data<byte>().ToArray();
            }
            finally
            {
                network.Module.train();
            }
        }

        int sh = batch.SourceHeight, sw = batch.SourceWidth, th = batch.TargetHeight, tw = batch.TargetWidth;
        byte[] sourceClasses = Classes(batch.SourceImages, sh, sw);
        byte[] labels = batch.SourceLabels.AsSpan(0, sh * sw).ToArray();
        var legend = Raster.ClassLegend.Numbered(Math.Max(1, Math.Max(sourceClasses.Max(), labels.Where(l => l != Raster.ClassLegend.NoData).DefaultIfEmpty((byte)0).Max()) + 1));
        var panels = new List<(string, float[][]?, byte[]?)>
        {
            ("source tile", Rgb(batch.SourceImages, sh, sw), null),
            ("source labels", null, labels),
            ("source predicted", null, sourceClasses),
        };
        if (th == sh && tw == sw) // one strip holds one tile size; every run here draws source and target tiles alike
        {
            panels.Add(("target tile", Rgb(batch.TargetImages, th, tw), null));
            panels.Add(("target predicted", null, Classes(batch.TargetImages, th, tw)));
        }

        Visualisation.TileQuicklook.Save(options.QuicklookPath, sh, sw, panels, legend);
    }

    private StepLosses Step(int iteration, IReadOnlyList<BatchData> batches, bool observeTarget, out ClassCounts counts)
    {
        using var scope = NewDisposeScope();
        var tensors = batches.Select(b =>
        {
            b.Validate();
            return new TrainingBatch(
                tensor(b.SourceImages, [b.Batch, b.Bands, b.SourceHeight, b.SourceWidth]).to(dtype).to(device),
                tensor(b.SourceLabels, [b.Batch, b.SourceHeight, b.SourceWidth]).to(ScalarType.Int64).to(device),
                tensor(b.TargetImages, [b.Batch, b.Bands, b.TargetHeight, b.TargetWidth]).to(dtype).to(device),
                b.TargetLabels is null ? null : tensor(b.TargetLabels, [b.Batch, b.TargetHeight, b.TargetWidth]).to(ScalarType.Int64).to(device));
        }).ToList();
        return trainer.Step(iteration, tensors, observeTarget, out counts);
    }
}
