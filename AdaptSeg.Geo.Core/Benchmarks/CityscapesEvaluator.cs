using System.Threading.Channels;
using AdaptSeg.Geo.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// Scores a segmentation network on Cityscapes exactly as the reference <c>evaluate_cityscapes.py</c>
/// + <c>compute_iou.py</c>: each image resized (bicubic) to 1024×512, BGR minus the mean; the
/// network's main-head logits upsampled bilinearly with <c>align_corners=True</c> to 2048×1024;
/// argmax; one confusion matrix over all images against the labelIds mapped to trainIds.
/// Unlike the reference, a label of another size is an error, not a skipped image.
/// </summary>
/// <remarks>
/// The network is a function from a [N, 3, H, W] float32 batch on <see cref="Device"/> to main-head
/// logits [N, 19, h, w] (DeepLab-v2 gives h, w ≈ H/8, W/8). Put a module in <c>eval()</c> mode before
/// passing its forward; the evaluator calls it under <c>torch.no_grad()</c> and disposes what it returns.
/// Images are decoded by <see cref="CityscapesEvaluationOptions.LoaderThreads"/> workers through a
/// bounded queue, so memory stays bounded whatever the number of images.
/// </remarks>
public sealed class CityscapesEvaluator
{
    private readonly Func<Tensor, Tensor> mainHead;

    /// <summary>An evaluator for <paramref name="mainHead"/> running on <paramref name="device"/>.</summary>
    public CityscapesEvaluator(Func<Tensor, Tensor> mainHead, Device device, CityscapesEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mainHead);
        ArgumentNullException.ThrowIfNull(device);
        Options = options ?? new CityscapesEvaluationOptions();
        Options.Validate();
        this.mainHead = mainHead;
        Device = device;
    }

    /// <summary>The device batches run on.</summary>
    public Device Device { get; }

    /// <summary>The settings.</summary>
    public CityscapesEvaluationOptions Options { get; }

    /// <summary>
    /// Scores every image of <paramref name="dataset"/> (which must have labels). Writes the PNGs and
    /// the IoU table when <see cref="CityscapesEvaluationOptions.OutputDirectory"/> is set.
    /// </summary>
    public async Task<BenchmarkEvaluationResult> EvaluateAsync(
        CityscapesDataset dataset,
        IProgress<CityscapesEvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.HasLabels)
        {
            throw new ArgumentException($"The Cityscapes split '{dataset.Split}' under '{dataset.Root}' was opened without labels; open it with requireLabels: true to score it.", nameof(dataset));
        }

        string? outputDirectory = Options.OutputDirectory;
        if (outputDirectory is not null)
        {
            Directory.CreateDirectory(outputDirectory);
        }

        var matrix = new ConfusionMatrix(CityscapesLabels.ClassCount);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var loaders = new SemaphoreSlim(Options.LoaderThreads);
        var queue = Channel.CreateBounded<Task<LoadedImage>>(new BoundedChannelOptions(Options.LoaderThreads + Options.BatchSize)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var writes = new List<Task>();
        Task producer = Task.Run(() => ProduceAsync(dataset, queue.Writer, loaders, stop.Token), stop.Token);
        int done = 0;
        try
        {
            var batch = new List<LoadedImage>(Options.BatchSize);
            await foreach (Task<LoadedImage> pending in queue.Reader.ReadAllAsync(stop.Token))
            {
                batch.Add(await pending.ConfigureAwait(false));
                if (batch.Count == Options.BatchSize)
                {
                    done += await ScoreAsync(dataset, batch, matrix, writes, stop.Token).ConfigureAwait(false);
                    progress?.Report(new CityscapesEvaluationProgress(done, dataset.Count, matrix.MeanIoU()));
                }
            }

            if (batch.Count > 0)
            {
                done += await ScoreAsync(dataset, batch, matrix, writes, stop.Token).ConfigureAwait(false);
                progress?.Report(new CityscapesEvaluationProgress(done, dataset.Count, matrix.MeanIoU()));
            }

            await producer.ConfigureAwait(false);
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await DrainAsync(producer, queue.Reader, writes).ConfigureAwait(false);
        }

        var result = new BenchmarkEvaluationResult(matrix, CityscapesLabels.ClassNames, done);
        if (outputDirectory is not null)
        {
            result.WriteFiles(outputDirectory);
        }

        return result;
    }

    /// <summary>
    /// Main-head logits [N, C, h, w] to trainIds [N, height, width] (int64): bilinear upsampling with
    /// <c>align_corners=True</c>, then the first maximum over classes.
    /// </summary>
    public static Tensor Predict(Tensor logits, int width, int height)
    {
        if (logits.dim() != 4)
        {
            throw new ArgumentException($"Logits must be [N, C, h, w]; got shape [{string.Join(", ", logits.shape)}].", nameof(logits));
        }

        using Tensor upsampled = nn.functional.interpolate(logits, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: true);
        return upsampled.argmax(1);
    }

    /// <summary>
    /// The reference <c>fast_hist</c> on the tensors' device: a flattened classCount² histogram of
    /// (reference, prediction) pairs, counting only reference values in 0..classCount-1.
    /// </summary>
    public static long[] Histogram(Tensor reference, Tensor prediction, int classCount)
    {
        if (reference.numel() != prediction.numel())
        {
            throw new ArgumentException($"Reference has {reference.numel()} values, prediction {prediction.numel()}.", nameof(prediction));
        }

        using var scope = NewDisposeScope();
        Tensor r = reference.flatten().to(ScalarType.Int64);
        Tensor p = prediction.flatten().to(ScalarType.Int64);
        Tensor keep = r.ge(0).logical_and(r.lt(classCount));
        Tensor pairs = r.masked_select(keep) * classCount + p.masked_select(keep);
        Tensor counts = torch.bincount(pairs, minlength: classCount * classCount).cpu();
        return counts.data<long>().ToArray();
    }

    private async Task ProduceAsync(CityscapesDataset dataset, ChannelWriter<Task<LoadedImage>> writer, SemaphoreSlim loaders, CancellationToken token)
    {
        try
        {
            for (int i = 0; i < dataset.Count; i++)
            {
                await loaders.WaitAsync(token).ConfigureAwait(false);
                int index = i;
                Task<LoadedImage> load = Task.Run(
                    () =>
                    {
                        try
                        {
                            return Load(dataset, index);
                        }
                        finally
                        {
                            loaders.Release();
                        }
                    },
                    CancellationToken.None);
                try
                {
                    await writer.WriteAsync(load, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Not queued: wait for it here so no load outlives the evaluation.
                    await ((Task)load).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                    throw;
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private LoadedImage Load(CityscapesDataset dataset, int index)
    {
        LabelImage label = dataset.LoadTrainIds(index);
        if (label.Width != Options.OutputWidth || label.Height != Options.OutputHeight)
        {
            throw new CityscapesDataException(
                $"Cityscapes label '{dataset.LabelPath(index)}' is {label.Width}x{label.Height}, but predictions are upsampled to {Options.OutputWidth}x{Options.OutputHeight} as in the reference. " +
                "Score against the original full-resolution gtFine labels (the reference would skip this image and report a wrong mIoU).",
                dataset.LabelPath(index));
        }

        float[] image = dataset.LoadImage(index, Options.InputWidth, Options.InputHeight);
        return new LoadedImage(index, image, label);
    }

    private async Task<int> ScoreAsync(CityscapesDataset dataset, List<LoadedImage> batch, ConfusionMatrix matrix, List<Task> writes, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        int n = batch.Count;
        int w = Options.OutputWidth, h = Options.OutputHeight;
        string[] names = batch.Select(b => dataset.Names[b.Index]).ToArray();
        byte[]? predicted = Forward(batch, matrix, writeBack: Options.OutputDirectory is not null);
        batch.Clear();
        if (predicted is not null)
        {
            // PNG encoding runs beside the next batch; at most a few batches of writes are pending.
            while (writes.Count >= 2 * Options.LoaderThreads)
            {
                await writes[0].ConfigureAwait(false);
                writes.RemoveAt(0);
            }

            for (int b = 0; b < n; b++)
            {
                int offset = b * w * h;
                string name = names[b];
                writes.Add(Task.Run(() => PredictionPngWriter.Write(Options.OutputDirectory!, name, predicted.AsSpan(offset, w * h), w, h), CancellationToken.None));
            }
        }

        return n;
    }

    private byte[]? Forward(List<LoadedImage> batch, ConfusionMatrix matrix, bool writeBack)
    {
        int n = batch.Count;
        int iw = Options.InputWidth, ih = Options.InputHeight, ow = Options.OutputWidth, oh = Options.OutputHeight;
        var images = new float[n * 3 * ih * iw];
        var labels = new byte[n * oh * ow];
        for (int b = 0; b < n; b++)
        {
            batch[b].Image.CopyTo(images, b * 3 * ih * iw);
            batch[b].Label.Values.CopyTo(labels, b * oh * ow);
        }

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor input = torch.tensor(images, [n, 3, ih, iw], ScalarType.Float32).to(Device);
        Tensor logits = mainHead(input);
        if (logits.dim() != 4 || logits.shape[0] != n || logits.shape[1] != CityscapesLabels.ClassCount)
        {
            throw new InvalidOperationException(
                $"The network returned shape [{string.Join(", ", logits.shape)}] for a batch of {n}; expected [{n}, {CityscapesLabels.ClassCount}, h, w] main-head logits. Is it a 19-class model?");
        }

        Tensor prediction = Predict(logits, ow, oh);
        Tensor reference = torch.tensor(labels, [n, oh, ow], ScalarType.Byte).to(Device);
        matrix.AddHistogram(Histogram(reference, prediction, CityscapesLabels.ClassCount));
        return writeBack ? prediction.to(ScalarType.Byte).cpu().data<byte>().ToArray() : null;
    }

    private static async Task DrainAsync(Task producer, ChannelReader<Task<LoadedImage>> reader, List<Task> writes)
    {
        try
        {
            await producer.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled or failed: the consumer has its own exception, which is the one reported.
        }

        while (reader.TryRead(out Task<LoadedImage>? pending))
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A load that failed after the evaluation had already stopped.
            }
        }

        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Surfaced by the main path when it got that far.
        }
    }

    private sealed record LoadedImage(int Index, float[] Image, LabelImage Label);
}
