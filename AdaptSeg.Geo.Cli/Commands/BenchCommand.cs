using System.CommandLine;
using System.Globalization;
using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Runtime;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg bench</c>: measured speed and memory. <c>bench forward</c> times the segmentation network.</summary>
internal sealed class BenchCommand
{
    private static readonly Option<int> Depth = new("--depth")
    {
        Description = "ResNet depth of the DeepLab-v2 backbone: 101 (the reference), 50 or 152.",
        DefaultValueFactory = _ => 101,
    };

    private static readonly Option<int> Size = new("--size")
    {
        Description = "Height and width of the square input tile, in pixels.",
        DefaultValueFactory = _ => 512,
    };

    private static readonly Option<int> Classes = new("--classes")
    {
        Description = "Number of classes the heads predict.",
        DefaultValueFactory = _ => 19,
    };

    private static readonly Option<int> Bands = new("--bands")
    {
        Description = "Number of input bands.",
        DefaultValueFactory = _ => 3,
    };

    private static readonly Option<int> Batch = new("--batch")
    {
        Description = "Tiles per forward pass; times are reported per image.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<string> Device = new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto.",
        DefaultValueFactory = _ => "cpu",
    };

    private static readonly Option<int> Iterations = new("--iterations")
    {
        Description = "Timed forward passes (after the warm-up).",
        DefaultValueFactory = _ => 5,
    };

    private static readonly Option<int> Warmup = new("--warmup")
    {
        Description = "Untimed forward passes before timing (allocator and kernel selection settle).",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<string> Dtype = new("--dtype")
    {
        Description = "Floating-point type of weights and input: float32, float64, bfloat16 or float16.",
        DefaultValueFactory = _ => "float32",
    };

    public static Command Create()
    {
        var forward = new Command(
            "forward",
            "Time the eval-mode forward pass of the DeepLab-v2 multi-level network (random weights and input, no gradients) " +
            "and report milliseconds per image and peak memory (process peak working set, VmHWM, on the CPU).")
        {
            Depth, Size, Classes, Bands, Batch, Device, Iterations, Warmup, Dtype,
        };
        forward.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => RunForward(parse, t))));

        return new Command("bench", "Measure speed and memory: forward (network inference), train (adversarial iterations), predict (tiled inference end to end), " +
            "stitch (tiling without a network), engines (float32 and int8 engines on trained models: accuracy and speed).")
        {
            forward,
            BenchTrainCommand.Create(),
            BenchStitchCommand.Create(),
            BenchStitchCommand.CreateWithNetwork(),
            BenchEnginesCommand.Create(),
        };
    }

    private static int RunForward(ParseResult parse, CancellationToken cancellationToken)
    {
        string dtypeName = parse.GetValue(Dtype)!;
        var options = new ForwardBenchmarkOptions
        {
            Depth = parse.GetValue(Depth),
            Size = parse.GetValue(Size),
            Classes = parse.GetValue(Classes),
            Bands = parse.GetValue(Bands),
            Batch = parse.GetValue(Batch),
            Device = parse.GetValue(Device)!,
            Iterations = parse.GetValue(Iterations),
            Warmup = parse.GetValue(Warmup),
            DType = dtypeName.Trim().ToLowerInvariant() switch
            {
                "float32" => ScalarType.Float32,
                "float64" => ScalarType.Float64,
                "bfloat16" => ScalarType.BFloat16,
                "float16" => ScalarType.Float16,
                _ => throw new ArgumentException($"--dtype '{dtypeName}' is not supported; use float32, float64, bfloat16 or float16."),
            },
        };

        TextWriter o = parse.Out();
        TextWriter e = parse.Err();
        o.WriteLine($"CPU ISA: {CpuInstructionSet.Describe()}");
        ForwardBenchmarkResult r = ForwardBenchmark.Run(options, new SynchronousProgress<BenchmarkProgress>(p => e.WriteLine(p.Warmup
            ? string.Create(CultureInfo.InvariantCulture, $"warm-up {p.Iteration}/{options.Warmup}: {p.Milliseconds:F1} ms")
            : string.Create(CultureInfo.InvariantCulture, $"iteration {p.Iteration - options.Warmup}/{options.Iterations}: {p.Milliseconds:F1} ms per image"))),
            cancellationToken);

        o.WriteLine(r.Description);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward (eval, no grad): {r.Mean:F1} ms per image mean, {r.Median:F1} median, {r.Min:F1} min, {r.Max:F1} max over {options.Iterations} iteration(s) of batch {options.Batch}; {r.ImagesPerSecond:F2} images/s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"process CPU time: {r.CpuMillisecondsPerImage:F1} ms per image (all threads; compare with the wall time to see how much CPU the run got)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak memory (process peak working set, VmHWM): {r.PeakMemoryMiB:F0} MiB (before building the network: {r.PeakMemoryBeforeMiB:F0} MiB)"));
        if (r.OnCuda)
        {
            o.WriteLine("GPU peak memory: not exposed by TorchSharp; watch nvidia-smi while this runs.");
        }

        return ExitCodes.Success;
    }
}
