using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// Times the eval-mode forward pass of the DeepLab-v2 multi-level network (random weights and input, no gradients):
/// the entry point of <c>adaptseg bench forward</c>.
/// </summary>
public static class ForwardBenchmark
{
    /// <summary>Runs <see cref="ForwardBenchmarkOptions.Warmup"/> untimed and <see cref="ForwardBenchmarkOptions.Iterations"/> timed passes.</summary>
    /// <exception cref="ArgumentException">Invalid options (<see cref="ForwardBenchmarkOptions.Validate"/>).</exception>
    public static ForwardBenchmarkResult Run(ForwardBenchmarkOptions options, IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems) + ".", nameof(options));
        }

        Device device = TorchRuntime.ResolveDevice(options.Device);
        double peakBefore = ProcessMemory.PeakWorkingSetMiB();
        using var model = new DeepLabMulti(options.Classes, options.Bands, DeepLabMulti.BlocksForDepth(options.Depth));
        long parameters = model.parameters().Sum(p => p.numel());
        model.to(device, options.DType);
        model.eval();
        string description = string.Create(CultureInfo.InvariantCulture,
            $"DeepLab-v2 ResNet-{options.Depth} multi-level, {options.Classes} classes, {parameters / 1e6:F1} M parameters; " +
            $"input {options.Batch}x{options.Bands}x{options.Size}x{options.Size} {options.DType.ToString().ToLowerInvariant()} on {device} ({torch.get_num_threads()} threads)");

        using var input = torch.randn([options.Batch, options.Bands, options.Size, options.Size], dtype: options.DType, device: device);
        using var noGrad = torch.no_grad();
        var times = new List<double>(options.Iterations);
        TimeSpan cpuBefore = TimeSpan.Zero;
        for (int i = 0; i < options.Warmup + options.Iterations; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool warmup = i < options.Warmup;
            if (i == options.Warmup)
            {
                cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            }

            double ms = TimeForward(model, input, device) / (warmup ? 1 : options.Batch);
            if (!warmup)
            {
                times.Add(ms);
            }

            progress?.Report(new BenchmarkProgress(i + 1, warmup, ms));
        }

        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / ((double)options.Iterations * options.Batch);
        return new ForwardBenchmarkResult(description, times, cpuMs, peakBefore, ProcessMemory.PeakWorkingSetMiB(), device.type == DeviceType.CUDA);
    }

    private static double TimeForward(DeepLabMulti model, Tensor input, Device device)
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
