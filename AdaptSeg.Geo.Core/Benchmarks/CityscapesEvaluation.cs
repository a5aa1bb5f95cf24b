using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>
/// The library's entry point for <c>adaptseg evaluate-cityscapes</c>: checks the request, opens the split,
/// refuses outputs that would replace an input (<see cref="CityscapesOutputGuard"/>), builds the 19-class
/// DeepLab-v2 multi-level network of the given depth, loads the checkpoint (every weight of the network must
/// be there; extra keys are ignored, as the reference does) and scores it with <see cref="CityscapesEvaluator"/>.
/// </summary>
public static class CityscapesEvaluation
{
    /// <summary>Runs the evaluation; <paramref name="notes"/> receives what the caller should know (ignored checkpoint keys, the run's description).</summary>
    /// <exception cref="CheckpointException">The checkpoint lacks weights of the network.</exception>
    /// <exception cref="CityscapesDataException">The dataset cannot be used as it is.</exception>
    public static async Task<BenchmarkEvaluationResult> RunAsync(CityscapesEvaluationRequest request, IProgress<CityscapesEvaluationProgress>? progress = null,
        Action<string>? notes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Validate();
        if (request.Depth is not (50 or 101))
        {
            throw new ArgumentException($"CityscapesEvaluationRequest.Depth {request.Depth} is not supported; use 101 (the paper's network) or 50.", nameof(request));
        }

        if (!File.Exists(request.CheckpointPath))
        {
            throw new FileNotFoundException(
                $"The checkpoint '{request.CheckpointPath}' does not exist. Download GTA2Cityscapes_multi-ed35151c.pth (see docs/gta5-cityscapes.md) or give a checkpoint this tool wrote.",
                request.CheckpointPath);
        }

        IReadOnlyList<string>? names = request.ListPath is null ? null : ImageList.Read(request.ListPath);
        var dataset = new CityscapesDataset(request.Root, request.Split, names);
        var inputs = new List<(string, string)> { ("the checkpoint", request.CheckpointPath) };
        if (request.ListPath is not null)
        {
            inputs.Add(("the image list", request.ListPath));
        }

        if (request.Options.OutputDirectory is { } output)
        {
            CityscapesOutputGuard.Check(dataset, output, inputs);
        }

        Device device = TorchRuntime.ResolveDevice(request.Device);
        using var model = new DeepLabMulti(CityscapesLabels.ClassCount, 3, DeepLabMulti.BlocksForDepth(request.Depth));
        using (Checkpoint checkpoint = CheckpointReader.Read(request.CheckpointPath))
        {
            CheckpointLoadReport report = CheckpointLoader.Load(model, checkpoint, new CheckpointLoadOptions { SkipMismatchedHeads = false });
            var missing = report.Missing.Where(k => !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                throw new CheckpointException(
                    $"The checkpoint '{request.CheckpointPath}' lacks {missing.Count} weight(s) of the ResNet-{request.Depth} DeepLab-v2 multi-level network, e.g. {string.Join(", ", missing.Take(5))}. " +
                    "Is it a DeepLabMulti checkpoint of this depth (not the 'Scale.'-prefixed initialisation file, not a discriminator)?");
            }

            if (report.Unexpected.Count > 0)
            {
                notes?.Invoke($"ignored {report.Unexpected.Count} checkpoint key(s) the network does not have (as the reference does), e.g. {string.Join(", ", report.Unexpected.Take(3))}.");
            }
        }

        model.to(device);
        model.eval();
        notes?.Invoke($"scoring {dataset.Count} images of '{dataset.Split}' on {device} with {Path.GetFileName(request.CheckpointPath)} (ResNet-{request.Depth}, batch {request.Options.BatchSize}).");
        var evaluator = new CityscapesEvaluator(batch => MainHead(model, batch), device, request.Options);
        return await evaluator.EvaluateAsync(dataset, progress, cancellationToken).ConfigureAwait(false);
    }

    private static Tensor MainHead(DeepLabMulti model, Tensor batch)
    {
        (Tensor aux, Tensor main) = model.forward(batch);
        aux.Dispose();
        return main;
    }
}
