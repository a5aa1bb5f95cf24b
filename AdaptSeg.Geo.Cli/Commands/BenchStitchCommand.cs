using System.CommandLine;
using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using Engine = AdaptSeg.Geo.Experiments.PredictionBenchmarkEngine;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg bench stitch</c> (and <c>bench predict</c> with the network): throughput of sliding-window prediction
/// on a large synthetic raster (<see cref="PredictionBenchmark"/>); this command parses and prints.
/// </summary>
internal sealed class BenchStitchCommand
{
    private static readonly Option<int> Size = new("--size")
    {
        Description = "Side of the synthetic square raster in pixels.",
        DefaultValueFactory = _ => 8192,
    };

    private static readonly Option<int> BandCount = new("--bands")
    {
        Description = "Bands of the synthetic raster (uint8), all fed to the predictor.",
        DefaultValueFactory = _ => 3,
    };

    private static readonly Option<int> ClassCount = new("--classes")
    {
        Description = "Number of classes blended (memory and time grow with it).",
        DefaultValueFactory = _ => 6,
    };

    private static readonly Option<string?> Folder = new("--folder") { Description = "Where the synthetic raster and the masks go (default: a temporary folder, deleted afterwards)." };

    private static readonly Option<int> Depth = new("--depth") { Description = "ResNet depth of the network (101 or 50).", DefaultValueFactory = _ => 101 };

    private static readonly Option<int> Width = new("--width") { Description = "Stem width of the network (the paper: 64).", DefaultValueFactory = _ => 64 };

    private static readonly Option<string?> Blocks = new("--blocks") { Description = "Bottleneck blocks per stage, for example 1,1,1,1 (the demo's light network); overrides --depth." };

    private static readonly Option<string> Engines = new("--engine")
    {
        Description = "What runs the network: torchsharp (default), onnxruntime (the same weights exported in memory, float32), int8 (that graph quantised to QDQ int8, " +
            "calibrated on tiles of the synthetic raster), both (torchsharp,onnxruntime), all (the three) or a comma-separated list; one after the other on the same raster and tiles, " +
            "with the ratios to the first and the mask agreement with the first (% of pixels).",
        DefaultValueFactory = _ => "torchsharp",
    };

    public static Command Create()
    {
        var command = new Command("stitch",
            "Measure sliding-window prediction without a network: read -> blend -> argmax -> write (DEFLATE GeoTIFF) on a synthetic raster, " +
            "with a model-free predictor (one-hot of the first band's value). Prints MPix/s and peak memory.")
        {
            Size, BandCount, ClassCount, Folder,
        };
        StitchOptionGroup.AddTo(command);
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, network: false, t), "cancelled.")));
        return command;
    }

    /// <summary><c>bench predict</c>: the same pipeline with the DeepLab network (random weights) as the predictor.</summary>
    public static Command CreateWithNetwork()
    {
        var command = new Command("predict",
            "Measure tiled inference end to end: read -> DeepLab network (random weights, batched tiles) -> blend -> write, on a synthetic raster. " +
            "Prints ms per tile, MPix/s and peak memory. Then times the network alone on the same tiles (read beforehand, untimed) and prints the pipeline/network throughput ratio.")
        {
            Size, BandCount, ClassCount, Folder, Depth, Width, CommonOptions.Device, Blocks, Engines,
        };
        StitchOptionGroup.AddTo(command);
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, network: true, t), "cancelled.")));
        return command;
    }

    private static int Run(ParseResult parse, bool network, CancellationToken cancellationToken)
    {
        var options = new PredictionBenchmarkOptions
        {
            Size = parse.GetValue(Size),
            Bands = parse.GetValue(BandCount),
            Classes = parse.GetValue(ClassCount),
            Stitch = StitchOptionGroup.Parse(parse),
            Folder = parse.GetValue(Folder),
            Engines = network ? ParseEngines(parse.GetValue(Engines)!) : [Engine.ModelFree],
        };
        if (network)
        {
            options = options with
            {
                Blocks = parse.GetValue(Blocks) is { } blocks ? CommandArguments.ParseBands(blocks, "--blocks") : DeepLabMulti.BlocksForDepth(parse.GetValue(Depth)),
                Width = parse.GetValue(Width),
                Device = parse.GetValue(CommonOptions.Device)!,
            };
        }


        TextWriter o = parse.Out();
        TextWriter err = parse.Err();
        PredictionBenchmarkResult result;
        using (var progress = new EngineProgress(err))
        {
            result = PredictionBenchmark.Run(options, progress, cancellationToken);
        }

        StitchOptions stitch = options.Stitch;
        o.WriteLine($"raster        {options.Size}x{options.Size}, {options.Bands} band(s) uint8, {options.Classes} classes");
        o.WriteLine($"CPU threads   {Environment.ProcessorCount}");
        o.WriteLine($"CPU ISA       {result.CpuInstructionSet}");
        double megapixels = (double)options.Size * options.Size / 1e6;
        foreach (PredictionBenchmarkRun r in result.Runs)
        {
            string name = PredictionBenchmark.Name(r.Engine);
            if (r.Threads.Length > 0)
            {
                o.WriteLine($"threads       {name}: {r.Threads}");
            }

            o.WriteLine($"engine        {name}");
            o.WriteLine($"tiles         {r.Tiles} of {stitch.TileSize} px, overlap {stitch.Overlap}, blend {stitch.Blend}");
            o.WriteLine(network
                ? $"network       {(parse.GetValue(Blocks) is { } b ? $"blocks {b}" : $"ResNet-{parse.GetValue(Depth)}")} width {options.Width}, batch {stitch.BatchSize}, {r.MillisecondsPerTile:F1} ms per tile, {r.CpuMillisecondsPerTile:F1} CPU-ms per tile"
                : "network       none (model-free one-hot predictor)");
            o.WriteLine($"time          {r.Elapsed.TotalSeconds:F2} s (read -> predict -> blend -> write)");
            o.WriteLine($"throughput    {r.MegapixelsPerSecond:G3} MPix/s wall-clock");
            o.WriteLine($"CPU time      {r.CpuSeconds:F2} s all threads = {megapixels / Math.Max(r.CpuSeconds, 1e-9):G3} MPix per CPU-second (steadier on a shared machine)");
            if (r.NetworkAlone is { } alone)
            {
                double aloneRate = megapixels / Math.Max(alone.TotalSeconds, 1e-9);
                o.WriteLine($"network alone {aloneRate:G3} MPix/s wall-clock on the same {r.Tiles} tiles ({alone.TotalSeconds:F2} s in the network, reading untimed)");
                o.WriteLine($"pipeline/network {r.MegapixelsPerSecond / aloneRate * 100:F1} % of network-only throughput (wall-clock); CPU-seconds: pipeline {r.CpuSeconds:F2}, network alone {r.NetworkAloneCpuSeconds:F2}");
            }

            o.WriteLine($"peak memory   {r.PeakMemoryMiB:F0} MiB working set (whole process, VmHWM, so far)");
        }

        PredictionBenchmarkRun first = result.Runs[0];
        foreach (PredictionBenchmarkRun r in result.Runs.Skip(1))
        {
            o.WriteLine($"compare       {PredictionBenchmark.Name(r.Engine)} / {PredictionBenchmark.Name(first.Engine)}: wall {r.MillisecondsPerTile / first.MillisecondsPerTile:F2}x ({r.MillisecondsPerTile:F1} vs {first.MillisecondsPerTile:F1} ms per tile), " +
                        $"CPU {r.CpuMillisecondsPerTile / first.CpuMillisecondsPerTile:F2}x ({r.CpuMillisecondsPerTile:F1} vs {first.CpuMillisecondsPerTile:F1} CPU-ms per tile)");
        }

        foreach (PredictionBenchmarkAgreement a in result.Agreements)
        {
            o.WriteLine($"agreement     {PredictionBenchmark.Name(a.Engine)} vs {PredictionBenchmark.Name(a.Reference)}: {a.Percent:F2} % of {a.Total} pixels have the same class" +
                        (network ? " (random weights: a check that the engines compute the same network, not an accuracy figure)" : ""));
        }

        if (result.Runs.Count > 1)
        {
            o.WriteLine("note          the ratios depend on the CPU's instruction sets (line 'CPU ISA') and thread counts; compare figures only with those alike.");
        }

        return ExitCodes.Success;
    }

    private static IReadOnlyList<Engine> ParseEngines(string text)
    {
        string engine = text.Trim().ToLowerInvariant();
        string[] names = engine switch
        {
            "both" => ["torchsharp", "onnxruntime"],
            "all" => ["torchsharp", "onnxruntime", "int8"],
            _ => engine.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        };
        var engines = names.Select(n => n switch
        {
            "torchsharp" => Engine.TorchSharp,
            "onnxruntime" => Engine.OnnxRuntime,
            "int8" => Engine.Int8,
            _ => (Engine?)null,
        }).ToList();
        if (engines.Count == 0 || engines.Any(e => e is null) || engines.Distinct().Count() != engines.Count)
        {
            throw new ArgumentException($"--engine '{text}' is not known; use torchsharp, onnxruntime, int8, both, all, or a comma-separated list of the first three (each once).");
        }

        return [.. engines.Select(e => e!.Value)];
    }

    /// <summary>Stages as lines on standard error; each engine's timed pass as its own progress bar.</summary>
    private sealed class EngineProgress(TextWriter err) : IProgress<PredictionBenchmarkProgress>, IDisposable
    {
        private ProgressLine<StitchProgress>? bar;
        private Engine? barEngine;

        public void Report(PredictionBenchmarkProgress value)
        {
            if (value.Stage is { } stage)
            {
                Finish();
                err.WriteLine(stage);
                return;
            }

            if (barEngine != value.Engine)
            {
                Finish();
                bar = new ProgressLine<StitchProgress>(err, $"bench {PredictionBenchmark.Name(value.Engine)}", p => (p.TilesDone, p.TileCount));
                barEngine = value.Engine;
            }

            bar!.Report(value.Tiles!);
        }

        public void Dispose() => Finish();

        private void Finish()
        {
            bar?.Dispose();
            bar = null;
            barEngine = null;
        }
    }
}
