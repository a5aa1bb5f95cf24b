using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
using System.CommandLine;
using System.Diagnostics;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg bench stitch</c> (and <c>bench predict</c> with the network): throughput of everything in prediction except the network
/// (read tiles, blend, argmax, write the compressed mask) on a large synthetic raster, with a
/// model-free predictor whose cost is negligible.
/// </summary>
internal sealed class BenchStitchCommand
{
    private const string SyntheticCrs = "PROJCS[\"WGS 84 / UTM zone 25S\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",-33],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",10000000],UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"32725\"]]";

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

    private static readonly Option<int> TileSize = new("--tile-size") { Description = "Tile side.", DefaultValueFactory = _ => 512 };

    private static readonly Option<int?> Overlap = new("--overlap") { Description = "Overlap; default half the tile." };

    private static readonly Option<string> Blend = new("--blend") { Description = "hann or center-crop.", DefaultValueFactory = _ => "hann" };

    private static readonly Option<string?> Folder = new("--folder") { Description = "Where the synthetic raster and the mask go (default: a temporary folder, deleted afterwards)." };

    private static readonly Option<int> Depth = new("--depth") { Description = "ResNet depth of the network (101 or 50).", DefaultValueFactory = _ => 101 };

    private static readonly Option<int> Width = new("--width") { Description = "Stem width of the network (the paper: 64).", DefaultValueFactory = _ => 64 };

    private static readonly Option<int> Batch = new("--batch-size") { Description = "Tiles per network call.", DefaultValueFactory = _ => 4 };

    private static readonly Option<string?> Blocks = new("--blocks") { Description = "Bottleneck blocks per stage, for example 1,1,1,1 (the demo's light network); overrides --depth." };

    private static readonly Option<string> Engine = new("--engine")
    {
        Description = "What runs the network: torchsharp (default), onnxruntime (the same weights exported in memory), or both, one after the other on the same raster and tiles, with the ratio.",
        DefaultValueFactory = _ => "torchsharp",
    };

    public static Command Create()
    {
        var command = new Command("stitch",
            "Measure sliding-window prediction without a network: read -> blend -> argmax -> write (DEFLATE GeoTIFF) on a synthetic raster, " +
            "with a model-free predictor (one-hot of the first band's value). Prints MPix/s and peak memory.")
        {
            Size, BandCount, ClassCount, TileSize, Overlap, Blend, Folder,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, network: false, t), "cancelled.")));
        return command;
    }

    /// <summary><c>bench predict</c>: the same pipeline with the DeepLab network (random weights) as the predictor.</summary>
    public static Command CreateWithNetwork()
    {
        var command = new Command("predict",
            "Measure tiled inference end to end: read -> DeepLab network (random weights, batched tiles) -> blend -> write, on a synthetic raster. " +
            "Prints ms per tile, MPix/s and peak memory.")
        {
            Size, BandCount, ClassCount, TileSize, Overlap, Blend, Folder, Depth, Width, Batch, CommonOptions.Device, Blocks, Engine,
        };
        command.Description += " Then times the network alone on the same tiles (read beforehand, untimed) and prints the pipeline/network throughput ratio.";
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, network: true, t), "cancelled.")));
        return command;
    }

    private static int Run(ParseResult parse, bool network, CancellationToken cancellationToken)
    {
        int size = parse.GetValue(Size);
        int bands = parse.GetValue(BandCount);
        int classes = parse.GetValue(ClassCount);
        int tile = parse.GetValue(TileSize);
        if (size < 1 || bands < 1 || classes is < 1 or > 255 || tile < 16)
        {
            parse.Err().WriteLine("error: --size and --bands must be positive, --classes 1..255, --tile-size at least 16.");
            return ExitCodes.BadInput;
        }

        BlendMode blend = parse.GetValue(Blend) == "center-crop" ? BlendMode.CenterCrop : BlendMode.Hann;
        int overlap = parse.GetValue(Overlap) ?? tile / 2;
        string engine = network ? parse.GetValue(Engine)!.Trim().ToLowerInvariant() : "none";
        if (network && engine is not ("torchsharp" or "onnxruntime" or "both"))
        {
            parse.Err().WriteLine($"error: --engine '{engine}' is not known; use torchsharp, onnxruntime or both.");
            return ExitCodes.BadInput;
        }

        string? given = parse.GetValue(Folder);
        string folder = given ?? Directory.CreateTempSubdirectory("adaptseg-bench-stitch-").FullName;
        try
        {
            string input = Path.Combine(folder, "bench-input.tif");
            parse.Err().WriteLine($"writing a {size}x{size}x{bands} synthetic raster (not timed)...");
            WriteSynthetic(input, size, bands, classes, cancellationToken);

            var o = parse.Out();
            o.WriteLine($"raster        {size}x{size}, {bands} band(s) uint8, {classes} classes");
            o.WriteLine($"CPU threads   {Environment.ProcessorCount}");
            using DeepLabMulti? model = network ? Network(parse, classes, bands) : null;
            var statistics = new BandStatistics([.. Enumerable.Repeat(127.5, bands)], [.. Enumerable.Repeat(64.0, bands)]);
            var measured = new List<(string Engine, double MsPerTile, double CpuMsPerTile)>();
            string[] engines = engine == "both" ? ["torchsharp", "onnxruntime"] : [engine];
            foreach (string e in engines)
            {
                var request = new PredictionRequest
                {
                    InputPath = input,
                    MaskPath = Path.Combine(folder, $"bench-mask-{e}.tif"),
                    Stitch = new StitchOptions { TileSize = tile, Overlap = overlap, Blend = blend, BatchSize = network ? parse.GetValue(Batch) : 4 },
                };
                ITilePredictor predictor = e switch
                {
                    "torchsharp" => new NetworkTilePredictor(model!, statistics, TorchRuntime.ResolveDevice(parse.GetValue(CommonOptions.Device)!)),
                    "onnxruntime" => OnnxTilePredictor.FromNetwork(model!, statistics, device: parse.GetValue(CommonOptions.Device)!),
                    _ => new OneHotOfFirstBand(classes, bands),
                };
                using var owned = (IDisposable)predictor;
                if (network)
                {
                    NetworkAlone(input, predictor, request.Stitch, bands, 1, cancellationToken); // warm-up, not reported
                }

                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                PredictionSummary summary;
                using (var progress = new ProgressLine<StitchProgress>(parse.Err(), $"bench {e}", p => (p.TilesDone, p.TileCount)))
                {
                    summary = RasterPrediction.Run(request, predictor, progress, cancellationToken);
                }

                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                int tiles = Math.Max(1, summary.Tiles);
                measured.Add((e, summary.Elapsed.TotalMilliseconds / tiles, cpuSeconds * 1000 / tiles));
                o.WriteLine($"engine        {e}");
                o.WriteLine($"tiles         {summary.Tiles} of {tile} px, overlap {overlap}, blend {blend}");
                o.WriteLine(network
                    ? $"network       {(parse.GetValue(Blocks) is { } blocks ? $"blocks {blocks}" : $"ResNet-{parse.GetValue(Depth)}")} width {parse.GetValue(Width)}, batch {parse.GetValue(Batch)}, {summary.Elapsed.TotalMilliseconds / tiles:F1} ms per tile, {cpuSeconds * 1000 / tiles:F1} CPU-ms per tile"
                    : "network       none (model-free one-hot predictor)");
                o.WriteLine($"time          {summary.Elapsed.TotalSeconds:F2} s (read -> predict -> blend -> write)");
                o.WriteLine($"throughput    {summary.MegapixelsPerSecond:G3} MPix/s wall-clock");
                o.WriteLine($"CPU time      {cpuSeconds:F2} s all threads = {(double)size * size / 1e6 / Math.Max(cpuSeconds, 1e-9):G3} MPix per CPU-second (steadier on a shared machine)");
                if (network)
                {
                    parse.Err().WriteLine("timing the network alone on the same tiles...");
                    TimeSpan cpuAloneBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    TimeSpan alone = NetworkAlone(input, predictor, request.Stitch, bands, int.MaxValue, cancellationToken);
                    double cpuAlone = (Process.GetCurrentProcess().TotalProcessorTime - cpuAloneBefore).TotalSeconds;
                    double aloneRate = (double)size * size / 1e6 / Math.Max(alone.TotalSeconds, 1e-9);
                    o.WriteLine($"network alone {aloneRate:G3} MPix/s wall-clock on the same {summary.Tiles} tiles ({alone.TotalSeconds:F2} s in the network, reading untimed)");
                    o.WriteLine($"pipeline/network {summary.MegapixelsPerSecond / aloneRate * 100:F1} % of network-only throughput (wall-clock); CPU-seconds: pipeline {cpuSeconds:F2}, network alone {cpuAlone:F2}");
                }

                o.WriteLine($"peak memory   {ProcessMemory.PeakWorkingSetMiB():F0} MiB working set (whole process, VmHWM, so far)");
            }

            if (measured.Count == 2)
            {
                var (t, r) = (measured[0], measured[1]);
                o.WriteLine($"compare       onnxruntime / torchsharp: wall {r.MsPerTile / t.MsPerTile:F2}x ({r.MsPerTile:F1} vs {t.MsPerTile:F1} ms per tile), " +
                            $"CPU {r.CpuMsPerTile / t.CpuMsPerTile:F2}x ({r.CpuMsPerTile:F1} vs {t.CpuMsPerTile:F1} CPU-ms per tile)");
            }

            return ExitCodes.Success;
        }
        finally
        {
            if (given is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static void WriteSynthetic(string path, int size, int bands, int classes, CancellationToken cancellationToken)
    {
        using var ds = GdalDataset.Create("GTiff", path, size, size, bands, RasterDataType.Byte, ["TILED=YES", "COMPRESS=NONE", "BIGTIFF=IF_SAFER"]);
        ds.ProjectionWkt = SyntheticCrs;
        ds.SetGeoTransform(new GeoTransform(500000, 10, 0, 9000000, 0, -10));
        const int rows = 256;
        var buffer = new byte[size * rows];
        for (int y = 0; y < size; y += rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int h = Math.Min(rows, size - y);
            for (int b = 1; b <= bands; b++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int x = 0; x < size; x++)
                    {
                        buffer[r * size + x] = (byte)(((x / 37) + ((y + r) / 53) + b) % classes);
                    }
                }

                ds.Write<byte>(b, new PixelWindow(0, y, size, h), buffer.AsSpan(0, size * h));
            }
        }
    }

    private static DeepLabMulti Network(ParseResult parse, int classes, int bands)
    {
        var device = TorchRuntime.ResolveDevice(parse.GetValue(CommonOptions.Device)!);
        IReadOnlyList<int> blocks = parse.GetValue(Blocks) is { } given
            ? CommandArguments.ParseBands(given, "--blocks")
            : DeepLabMulti.BlocksForDepth(parse.GetValue(Depth));
        var model = new DeepLabMulti(classes, bands, blocks, new DeepLabOptions { Width = parse.GetValue(Width) });
        model.to(device);
        return model;
    }

    /// <summary>
    /// The network alone on the pipeline's tiles: each batch (up to <paramref name="maxBatches"/>) is
    /// read first, untimed, then only the predictor call is timed. Returns the time spent in the network.
    /// </summary>
    private static TimeSpan NetworkAlone(string input, ITilePredictor predictor, StitchOptions stitch, int bands, int maxBatches, CancellationToken cancellationToken)
    {
        using var dataset = GdalDataset.Open(input);
        var reader = new TileReader(dataset, [.. Enumerable.Range(1, bands)]);
        IReadOnlyList<PixelWindow> windows = TileGrid.Windows(dataset.Width, dataset.Height, stitch.TileSize, stitch.Overlap);
        int size = stitch.TileSize;
        int plane = size * size;
        int batch = stitch.BatchSize;
        var tiles = new float[batch * bands * plane];
        var valid = new byte[batch * plane];
        var probabilities = new float[batch * predictor.ClassCount * plane];
        var clock = new Stopwatch();
        for (int i = 0, done = 0; i < windows.Count && done < maxBatches; i += batch, done++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batch, windows.Count - i);
            for (int k = 0; k < n; k++)
            {
                reader.Read(windows[i + k], size, tiles.AsSpan(k * bands * plane, bands * plane), valid.AsSpan(k * plane, plane));
            }

            clock.Start();
            predictor.Predict(tiles.AsSpan(0, n * bands * plane), n, size, size, probabilities.AsSpan(0, n * predictor.ClassCount * plane));
            clock.Stop();
        }

        return clock.Elapsed;
    }

    /// <summary>The bench's stand-in for the network: one-hot of the first band's value. Costs next to nothing, so the bench measures the pipeline.</summary>
    private sealed class OneHotOfFirstBand(int classes, int bands) : ITilePredictor, IDisposable
    {
        public void Dispose()
        {
        }

        public int ClassCount => classes;

        public int BandCount => bands;

        public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
        {
            int plane = height * width;
            probabilities.Clear();
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> first = input.Slice(b * bands * plane, plane);
                Span<float> output = probabilities.Slice(b * classes * plane, classes * plane);
                for (int p = 0; p < plane; p++)
                {
                    output[(int)first[p] % classes * plane + p] = 1f;
                }
            }
        }
    }
}
