using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg bench train</c>: times full adversarial iterations (both domains, both discriminators,
/// all three optimisers) on synthetic tensors. Presets: the paper (source 1280x720, target 1024x512,
/// batch 1, 19 classes) and land cover (512x512, batch 4, 6 classes); ResNet-101 unless told.
/// </summary>
internal static class BenchTrainCommand
{
    private static readonly Option<string> Preset = new("--preset")
    {
        Description = "paper (1280x720 source, 1024x512 target, batch 1, 19 classes) or landcover (512x512 both, batch 4, 6 classes).",
        DefaultValueFactory = _ => "paper",
    };

    private static readonly Option<int> Depth = new("--depth") { Description = "ResNet depth: 101 (the paper) or 50.", DefaultValueFactory = _ => 101 };
    private static readonly Option<int?> Width = new("--width") { Description = "Stem width (the paper: 64); smaller for quick CPU runs." };
    private static readonly Option<string> Backbone = new("--backbone") { Description = "deeplabv2-resnet (the paper) or torchvision-resnet (docs/model.md).", DefaultValueFactory = _ => "deeplabv2-resnet" };
    private static readonly Option<int> OutputStride = new("--output-stride") { Description = "8 (the paper), or 16 with torchvision-resnet.", DefaultValueFactory = _ => 8 };
    private static readonly Option<bool> TrainableBatchNorm = new("--trainable-batch-norm") { Description = "Train the batch-norm scales and shifts too (model.trainableBatchNorm)." };
    private static readonly Option<double> Scale = new("--scale") { Description = "Scale both image sizes (e.g. 0.25 for a quick CPU run).", DefaultValueFactory = _ => 1.0 };
    private static readonly Option<int> Iterations = new("--iterations") { Description = "Timed iterations.", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Warmup = new("--warmup") { Description = "Untimed iterations first.", DefaultValueFactory = _ => 3 };
    private static readonly Option<string> Dtype = new("--dtype") { Description = "float32 or bfloat16 (whole model; losses stay float32).", DefaultValueFactory = _ => "float32" };
    private static readonly Option<bool> ChannelsLast = new("--channels-last") { Description = "Feed NHWC-strided inputs (TorchSharp has no memory_format API)." };
    private static readonly Option<bool> CudnnBenchmark = new("--cudnn-benchmark") { Description = "Let cuDNN pick the fastest convolution algorithms (set through libtorch)." };

    public static Command Create()
    {
        var command = new Command("train", "Time full adversarial training iterations on synthetic tensors and print ms per iteration, images per second and peak memory.")
        {
            Preset, Depth, Width, Backbone, OutputStride, TrainableBatchNorm, Scale, CommonOptions.Device, Iterations, Warmup, Dtype, ChannelsLast, CudnnBenchmark,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter o = parse.Out();
        var (sourceW, sourceH, targetW, targetH, batch, classes) = parse.GetValue(Preset)!.ToLowerInvariant() switch
        {
            "paper" => (1280, 720, 1024, 512, 1, 19),
            "landcover" => (512, 512, 512, 512, 4, 6),
            var other => throw new ArgumentException($"--preset '{other}' is not known; use paper or landcover."),
        };
        double scale = parse.GetValue(Scale);
        if (scale is <= 0 or > 4)
        {
            throw new ArgumentException("--scale must be in (0, 4].");
        }

        (sourceW, sourceH, targetW, targetH) = ((int)(sourceW * scale), (int)(sourceH * scale), (int)(targetW * scale), (int)(targetH * scale));
        ScalarType dtype = parse.GetValue(Dtype)!.ToLowerInvariant() switch
        {
            "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"--dtype '{other}' is not supported; use float32 or bfloat16."),
        };
        int iterations = parse.GetValue(Iterations), warmup = parse.GetValue(Warmup);
        if (iterations < 1 || warmup < 0)
        {
            throw new ArgumentException("--iterations must be at least 1 and --warmup at least 0.");
        }

        torch.Device device = TorchRuntime.ResolveDevice(parse.GetValue(CommonOptions.Device)!);
        if (parse.GetValue(CudnnBenchmark))
        {
            CudaTuning.SetCudnnBenchmark(true);
        }

        torch.manual_seed(1234);
        var options = new DeepLabOptions
        {
            Width = parse.GetValue(Width) ?? 64,
            Backbone = parse.GetValue(Backbone)!.Trim().ToLowerInvariant() switch
            {
                "deeplabv2-resnet" => BackboneKind.DeepLabV2ResNet,
                "torchvision-resnet" => BackboneKind.TorchvisionResNet,
                var other => throw new ArgumentException($"--backbone '{other}' is not known; use deeplabv2-resnet or torchvision-resnet."),
            },
            OutputStride = parse.GetValue(OutputStride),
            TrainableBatchNorm = parse.GetValue(TrainableBatchNorm),
        };
        if (options.OutputStride is not (8 or 16) || (options.OutputStride == 16 && options.Backbone == BackboneKind.DeepLabV2ResNet))
        {
            throw new ArgumentException($"--output-stride {options.OutputStride} is not available: use 8, or 16 with --backbone torchvision-resnet.");
        }

        using var network = new DeepLabMulti(classes, 3, DeepLabMulti.BlocksForDepth(parse.GetValue(Depth)), options);
        using var d1 = new FcDiscriminator(classes);
        using var d2 = new FcDiscriminator(classes);
        foreach (nn.Module m in new nn.Module[] { network, d1, d2 })
        {
            m.to(device, dtype);
        }

        using var trainer = new AdversarialTrainer(network, [d1, d2], new TrainerSettings());
        using var source = Input(batch, sourceH, sourceW, dtype, device, parse.GetValue(ChannelsLast));
        using var labels = torch.randint(0, classes, [batch, sourceH, sourceW], dtype: ScalarType.Int64, device: device);
        using var target = Input(batch, targetH, targetW, dtype, device, parse.GetValue(ChannelsLast));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"adversarial iteration: {(options.Backbone == BackboneKind.TorchvisionResNet ? $"torchvision ResNet-{parse.GetValue(Depth)} (output stride {options.OutputStride})" : $"ResNet-{parse.GetValue(Depth)}")}" +
            $"{(options.TrainableBatchNorm ? " with trainable batch norm" : "")} width {options.Width}, {classes} classes, batch {batch}, source {sourceW}x{sourceH}, target {targetW}x{targetH}, {dtype} on {device}" +
            $"{(parse.GetValue(ChannelsLast) ? ", channels-last" : "")}{(parse.GetValue(CudnnBenchmark) ? ", cuDNN benchmark" : "")}"));

        var times = new List<double>();
        for (int i = 0; i < warmup + iterations; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            trainer.Step(i, source, labels, target); // returns numbers: the step ends with its one host synchronisation
            if (i >= warmup)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            parse.Err().WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(i < warmup ? "warm-up" : "iteration")} {i + 1}: {clock.Elapsed.TotalMilliseconds:F1} ms"));
        }

        double mean = times.Average();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: {mean:F1} ms per iteration (mean of {iterations}; min {times.Min():F1}), {1000.0 * batch / mean:F2} source+target image pairs/s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak memory: {ProcessMemory.PeakWorkingSetMiB():F0} MiB process (VmHWM)"));
        if (device.type == DeviceType.CUDA)
        {
            o.WriteLine("GPU peak memory: not exposed by TorchSharp 0.107; read it from nvidia-smi during the run.");
        }

        return ExitCodes.Success;
    }

    private static Tensor Input(int batch, int height, int width, ScalarType dtype, torch.Device device, bool channelsLast)
    {
        Tensor x = torch.randn([batch, 3, height, width], dtype: dtype, device: device);
        if (!channelsLast)
        {
            return x;
        }

        Tensor nhwc = CudaTuning.ToChannelsLast(x);
        x.Dispose();
        return nhwc;
    }
}
