using System.CommandLine;
using System.Globalization;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
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

    private static readonly Option<string?> ConfigFile = new("--config")
    {
        Description = "Time one iteration of this experiment file instead of a preset: its network, classes, batch, method and image sizes " +
            "(LoveDA's crops, a prepared folder's tiles, GTA5/Cityscapes' sizes), on synthetic tensors (no data is read). --scale, --dtype and the rest still apply.",
    };

    private static readonly Option<int> Bands = new("--bands") { Description = "Input bands with --config (a prepared folder's band count; LoveDA and GTA5 have 3).", DefaultValueFactory = _ => 3 };

    public static Command Create()
    {
        var command = new Command("train", "Time full adversarial training iterations on synthetic tensors and print ms per iteration, images per second and peak memory.")
        {
            Preset, ConfigFile, Bands, Depth, Width, Backbone, OutputStride, TrainableBatchNorm, Scale, CommonOptions.Device, Iterations, Warmup, Dtype, ChannelsLast, CudnnBenchmark,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TrainingBenchmarkOptions options = parse.GetValue(ConfigFile) is { } configPath
            ? TrainingBenchmarkOptions.FromExperiment(JsonConfigReader.Read<ExperimentConfig>(configPath), Path.GetFileName(configPath), parse.GetValue(Bands))
            : FromPreset(parse);
        double scale = parse.GetValue(Scale);
        if (scale is <= 0 or > 4)
        {
            throw new ArgumentException("--scale must be in (0, 4].");
        }

        options = options with
        {
            SourceWidth = (int)(options.SourceWidth * scale), SourceHeight = (int)(options.SourceHeight * scale),
            TargetWidth = (int)(options.TargetWidth * scale), TargetHeight = (int)(options.TargetHeight * scale),
            Device = parse.GetValue(CommonOptions.Device)!,
            DType = parse.GetValue(Dtype)!.ToLowerInvariant() switch
            {
                "float32" => ScalarType.Float32,
                "bfloat16" => ScalarType.BFloat16,
                var other => throw new ArgumentException($"--dtype '{other}' is not supported; use float32 or bfloat16."),
            },
            ChannelsLast = parse.GetValue(ChannelsLast),
            CudnnBenchmark = parse.GetValue(CudnnBenchmark),
            Iterations = parse.GetValue(Iterations),
            Warmup = parse.GetValue(Warmup),
        };
        TextWriter err = parse.Err();
        TrainingBenchmarkResult result = TrainingBenchmark.Run(options, new SynchronousProgress<BenchmarkProgress>(p =>
            err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(p.Warmup ? "warm-up" : "iteration")} {p.Iteration}: {p.Milliseconds:F1} ms"))), cancellationToken);

        TextWriter o = parse.Out();
        o.WriteLine($"adversarial iteration: {result.Description}");
        o.WriteLine($"CPU ISA: {CpuInstructionSet.Describe()}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: {result.MeanMilliseconds:F1} ms per iteration (mean of {result.Milliseconds.Count}; min {result.MinMilliseconds:F1}), {result.PairsPerSecond:F2} source+target image pairs/s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak memory: {result.PeakMemoryMiB:F0} MiB process (VmHWM)"));
        if (result.OnCuda)
        {
            o.WriteLine("GPU peak memory: not exposed by TorchSharp 0.107; read it from nvidia-smi during the run.");
        }

        return ExitCodes.Success;
    }

    /// <summary>A preset with the network options given.</summary>
    private static TrainingBenchmarkOptions FromPreset(ParseResult parse)
    {
        TrainingBenchmarkOptions preset = parse.GetValue(Preset)!.ToLowerInvariant() switch
        {
            "paper" => TrainingBenchmarkOptions.Paper,
            "landcover" => TrainingBenchmarkOptions.LandCover,
            var other => throw new ArgumentException($"--preset '{other}' is not known; use paper or landcover."),
        };
        var network = new DeepLabOptions
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
        if (network.OutputStride is not (8 or 16) || (network.OutputStride == 16 && network.Backbone == BackboneKind.DeepLabV2ResNet))
        {
            throw new ArgumentException($"--output-stride {network.OutputStride} is not available: use 8, or 16 with --backbone torchvision-resnet.");
        }

        return preset with { Network = network, Blocks = DeepLabMulti.BlocksForDepth(parse.GetValue(Depth)), Label = $"{preset.Label}, ResNet-{parse.GetValue(Depth)}" };
    }
}
