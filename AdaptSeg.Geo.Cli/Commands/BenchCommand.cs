using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
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
        TextWriter o = parse.Out();
        TextWriter e = parse.Err();
        int depth = parse.GetValue(Depth);
        int size = parse.GetValue(Size);
        int classes = parse.GetValue(Classes);
        int bands = parse.GetValue(Bands);
        int batch = parse.GetValue(Batch);
        int iterations = parse.GetValue(Iterations);
        int warmup = parse.GetValue(Warmup);
        string dtypeName = parse.GetValue(Dtype)!;

        string? problem = CheckOptions(depth, size, classes, bands, batch, iterations, warmup, dtypeName, out ScalarType dtype);
        if (problem is not null)
        {
            e.WriteLine($"error: {problem}");
            return ExitCodes.BadInput;
        }

        torch.Device device = TorchRuntime.ResolveDevice(parse.GetValue(Device)!);

        double peakBeforeMiB = ProcessMemory.PeakWorkingSetMiB();
        using var model = new DeepLabMulti(classes, bands, DeepLabMulti.BlocksForDepth(depth));
        long parameters = model.parameters().Sum(p => p.numel());
        model.to(device, dtype);
        model.eval();
        o.WriteLine($"CPU ISA: {CpuInstructionSet.Describe()}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DeepLab-v2 ResNet-{depth} multi-level, {classes} classes, {parameters / 1e6:F1} M parameters; input {batch}x{bands}x{size}x{size} {dtypeName} on {device} ({torch.get_num_threads()} threads)"));

        using var input = torch.randn([batch, bands, size, size], dtype: dtype, device: device);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < warmup; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }

            double ms = TimeForward(model, input, device);
            e.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up {i + 1}/{warmup}: {ms:F1} ms"));
        }

        var times = new List<double>(iterations);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < iterations; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                e.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            }

            times.Add(TimeForward(model, input, device) / batch);
            e.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iteration {i + 1}/{iterations}: {times[^1]:F1} ms per image"));
        }

        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / ((double)iterations * batch);
        times.Sort();
        double mean = times.Average();
        double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward (eval, no grad): {mean:F1} ms per image mean, {median:F1} median, {times[0]:F1} min, {times[^1]:F1} max over {iterations} iteration(s) of batch {batch}; {1000 / mean:F2} images/s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"process CPU time: {cpuMs:F1} ms per image (all threads; compare with the wall time to see how much CPU the run got)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak memory (process peak working set, VmHWM): {ProcessMemory.PeakWorkingSetMiB():F0} MiB (before building the network: {peakBeforeMiB:F0} MiB)"));
        if (device.type == DeviceType.CUDA)
        {
            o.WriteLine("GPU peak memory: not exposed by TorchSharp; watch nvidia-smi while this runs.");
        }

        return ExitCodes.Success;
    }

    private static string? CheckOptions(int depth, int size, int classes, int bands, int batch, int iterations, int warmup, string dtypeName, out ScalarType dtype)
    {
        dtype = ScalarType.Float32;
        if (depth is not (50 or 101 or 152))
        {
            return $"--depth {depth} is not supported; use 101 (the reference), 50 or 152.";
        }

        if (size < 1 || classes < 1 || bands < 1 || batch < 1 || iterations < 1)
        {
            return $"--size, --classes, --bands, --batch and --iterations must be at least 1 (got {size}, {classes}, {bands}, {batch}, {iterations}).";
        }

        if (warmup < 0)
        {
            return $"--warmup must be 0 or more (got {warmup}).";
        }

        ScalarType? parsed = dtypeName.Trim().ToLowerInvariant() switch
        {
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            _ => null,
        };
        if (parsed is null)
        {
            return $"--dtype '{dtypeName}' is not supported; use float32, float64, bfloat16 or float16.";
        }

        dtype = parsed.Value;
        return null;
    }

    private static double TimeForward(DeepLabMulti model, Tensor input, torch.Device device)
    {
        var clock = Stopwatch.StartNew();
        var (aux, main) = model.call(input);
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }

        clock.Stop();
        aux.Dispose();
        main.Dispose();
        return clock.Elapsed.TotalMilliseconds;
    }
}
