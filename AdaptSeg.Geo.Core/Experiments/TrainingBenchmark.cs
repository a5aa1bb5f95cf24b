using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// Times full adversarial training iterations (the entry point of <c>adaptseg bench train</c>): both domains,
/// both discriminators (when the settings use them), all optimisers, on synthetic tensors of the step's sizes,
/// so that the figure is the network's and the trainer's, not the disk's.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>Runs <see cref="TrainingBenchmarkOptions.Warmup"/> untimed and <see cref="TrainingBenchmarkOptions.Iterations"/> timed iterations.</summary>
    public static TrainingBenchmarkResult Run(TrainingBenchmarkOptions options, IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Iterations < 1 || options.Warmup < 0)
        {
            throw new ArgumentException($"TrainingBenchmarkOptions: Iterations ({options.Iterations}) must be at least 1 and Warmup ({options.Warmup}) at least 0.", nameof(options));
        }

        if (options.DType is not (ScalarType.Float32 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"TrainingBenchmarkOptions.DType {options.DType} is not supported; use Float32 or BFloat16.", nameof(options));
        }

        Device device = TorchRuntime.ResolveDevice(options.Device);
        if (options.CudnnBenchmark)
        {
            CudaTuning.SetCudnnBenchmark(true);
        }

        torch.manual_seed(1234);
        using var network = new DeepLabMulti(options.Classes, options.Bands, options.Blocks, options.Network);
        var discriminators = options.Trainer.UsesDiscriminators
            ? new List<FcDiscriminator> { new(options.Classes, options.DiscriminatorWidth), new(options.Classes, options.DiscriminatorWidth) }
            : [];
        try
        {
            network.to(device, options.DType);
            foreach (var d in discriminators)
            {
                d.to(device, options.DType);
            }

            using var trainer = new AdversarialTrainer(network, discriminators.Cast<nn.Module<Tensor, Tensor>>().ToList(), options.Trainer);
            using var source = Input(options.Batch, options.Bands, options.SourceHeight, options.SourceWidth, options.DType, device, options.ChannelsLast);
            using var labels = torch.randint(0, options.Classes, [options.Batch, options.SourceHeight, options.SourceWidth], dtype: ScalarType.Int64, device: device);
            using var target = Input(options.Batch, options.Bands, options.TargetHeight, options.TargetWidth, options.DType, device, options.ChannelsLast);
            DeepLabOptions n = options.Network;
            string description = string.Create(CultureInfo.InvariantCulture,
                $"{options.Label}: {(n.Backbone == Config.BackboneKind.TorchvisionResNet ? $"torchvision ResNet (output stride {n.OutputStride})" : "DeepLab-v2 ResNet")} " +
                $"blocks [{string.Join(",", options.Blocks)}] width {n.Width}{(n.TrainableBatchNorm ? ", trainable batch norm" : "")}{(n.AsppAllBranches ? ", four ASPP branches" : "")}, " +
                $"{options.Classes} classes, {options.Bands} bands, batch {options.Batch}, source {options.SourceWidth}x{options.SourceHeight}, target {options.TargetWidth}x{options.TargetHeight}, " +
                $"{(options.Trainer.SourceOnly ? "source-only" : options.Trainer.UsesDiscriminators ? "adversarial" : "target losses without discriminators")}" +
                $"{(options.Trainer.GradientClipNorm is { } clip ? $", clipping {clip}" : "")}, {options.DType} on {device}" +
                $"{(options.ChannelsLast ? ", channels-last" : "")}{(options.CudnnBenchmark ? ", cuDNN benchmark" : "")}");

            var times = new List<double>();
            for (int i = 0; i < options.Warmup + options.Iterations; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                trainer.Step(i, source, labels, target); // returns numbers: the step ends with its one host synchronisation
                double ms = clock.Elapsed.TotalMilliseconds;
                if (i >= options.Warmup)
                {
                    times.Add(ms);
                }

                progress?.Report(new BenchmarkProgress(i + 1, i < options.Warmup, ms));
            }

            return new TrainingBenchmarkResult(description, times, options.Batch, ProcessMemory.PeakWorkingSetMiB(), device.type == DeviceType.CUDA);
        }
        finally
        {
            foreach (var d in discriminators)
            {
                d.Dispose();
            }
        }
    }

    private static Tensor Input(int batch, int bands, int height, int width, ScalarType dtype, Device device, bool channelsLast)
    {
        Tensor x = torch.randn([batch, bands, height, width], dtype: dtype, device: device);
        if (!channelsLast)
        {
            return x;
        }

        Tensor nhwc = CudaTuning.ToChannelsLast(x);
        x.Dispose();
        return nhwc;
    }
}
