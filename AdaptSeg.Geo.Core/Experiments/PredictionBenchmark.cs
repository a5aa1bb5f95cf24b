using System.Diagnostics;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tiling;
using Google.Protobuf;
using TorchSharp;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// Throughput of sliding-window prediction on a large synthetic raster (the entry point of <c>adaptseg bench stitch</c>
/// and <c>bench predict</c>): read -> predict -> blend -> argmax -> write (DEFLATE GeoTIFF), once per engine on the
/// same raster and tiles. With a network, each engine also runs the network alone on the same tiles (read beforehand,
/// untimed), so the pipeline's share of the time shows; the masks of every pair of engines are compared pixel by pixel.
/// </summary>
public static class PredictionBenchmark
{
    private const string SyntheticCrs = "PROJCS[\"WGS 84 / UTM zone 25S\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",-33],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",10000000],UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"32725\"]]";

    /// <summary>An engine's name as the command line writes it: none, torchsharp, onnxruntime, int8.</summary>
    public static string Name(PredictionBenchmarkEngine engine) => engine switch
    {
        PredictionBenchmarkEngine.ModelFree => "none",
        PredictionBenchmarkEngine.TorchSharp => "torchsharp",
        PredictionBenchmarkEngine.OnnxRuntime => "onnxruntime",
        PredictionBenchmarkEngine.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, null),
    };

    /// <summary>Writes the synthetic raster (untimed), runs every engine, compares the masks; deletes a temporary folder afterwards.</summary>
    /// <exception cref="ArgumentException">Invalid options (<see cref="PredictionBenchmarkOptions.Validate"/>).</exception>
    public static PredictionBenchmarkResult Run(PredictionBenchmarkOptions options, IProgress<PredictionBenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems) + ".", nameof(options));
        }

        string folder = options.Folder ?? Directory.CreateTempSubdirectory("adaptseg-bench-stitch-").FullName;
        try
        {
            Directory.CreateDirectory(folder);
            string input = Path.Combine(folder, "bench-input.tif");
            progress?.Report(new PredictionBenchmarkProgress(options.Engines[0], $"writing a {options.Size}x{options.Size}x{options.Bands} synthetic raster (not timed)...", null));
            WriteSynthetic(input, options.Size, options.Bands, options.Classes, cancellationToken);

            using DeepLabMulti? model = options.UsesNetwork
                ? new DeepLabMulti(options.Classes, options.Bands, options.Blocks, new DeepLabOptions { Width = options.Width })
                : null;
            model?.to(TorchRuntime.ResolveDevice(options.Device));
            var statistics = new BandStatistics([.. Enumerable.Repeat(127.5, options.Bands)], [.. Enumerable.Repeat(64.0, options.Bands)]);
            var runs = new List<PredictionBenchmarkRun>();
            var masks = new List<string>();
            foreach (PredictionBenchmarkEngine engine in options.Engines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var request = new PredictionRequest { InputPath = input, MaskPath = Path.Combine(folder, $"bench-mask-{Name(engine)}.tif"), Stitch = options.Stitch };
                ITilePredictor predictor = Predictor(engine, model, input, options, statistics, progress, cancellationToken);
                using var owned = (IDisposable)predictor;
                string threads = predictor switch
                {
                    OnnxTilePredictor onnx => $"ONNX Runtime intra-op {onnx.IntraOpThreads}",
                    NetworkTilePredictor => $"TorchSharp intra-op {torch.get_num_threads()} (interop {torch.get_num_interop_threads()})",
                    _ => "",
                };
                if (model is not null)
                {
                    NetworkAlone(input, predictor, options.Stitch, options.Bands, 1, cancellationToken); // warm-up, not reported
                }

                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                PredictionSummary summary = RasterPrediction.Run(request, predictor,
                    new SynchronousProgress<StitchProgress>(p => progress?.Report(new PredictionBenchmarkProgress(engine, null, p))), cancellationToken);
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                masks.Add(request.MaskPath);

                TimeSpan? alone = null;
                double? cpuAlone = null;
                if (model is not null)
                {
                    progress?.Report(new PredictionBenchmarkProgress(engine, "timing the network alone on the same tiles...", null));
                    TimeSpan cpuAloneBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    alone = NetworkAlone(input, predictor, options.Stitch, options.Bands, int.MaxValue, cancellationToken);
                    cpuAlone = (Process.GetCurrentProcess().TotalProcessorTime - cpuAloneBefore).TotalSeconds;
                }

                runs.Add(new PredictionBenchmarkRun(engine, threads, summary.Tiles, summary.Elapsed, summary.MegapixelsPerSecond, cpuSeconds, alone, cpuAlone,
                    ProcessMemory.PeakWorkingSetMiB()));
            }

            var agreements = new List<PredictionBenchmarkAgreement>();
            for (int j = 1; j < runs.Count; j++)
            {
                for (int i = 0; i < j; i++)
                {
                    var (same, total) = MaskAgreement.Count(masks[i], masks[j]);
                    agreements.Add(new PredictionBenchmarkAgreement(runs[j].Engine, runs[i].Engine, same, total));
                }
            }

            string network = model is null ? "" : $"blocks [{string.Join(",", options.Blocks)}] width {options.Width}";
            return new PredictionBenchmarkResult(runs, agreements, network, CpuInstructionSet.Describe());
        }
        finally
        {
            if (options.Folder is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static ITilePredictor Predictor(PredictionBenchmarkEngine engine, DeepLabMulti? model, string input, PredictionBenchmarkOptions options, BandStatistics statistics,
        IProgress<PredictionBenchmarkProgress>? progress, CancellationToken cancellationToken) => engine switch
    {
        PredictionBenchmarkEngine.ModelFree => new OneHotOfFirstBand(options.Classes, options.Bands),
        PredictionBenchmarkEngine.TorchSharp => new NetworkTilePredictor(model!, statistics, TorchRuntime.ResolveDevice(options.Device)),
        PredictionBenchmarkEngine.OnnxRuntime => OnnxTilePredictor.FromNetwork(model!, statistics, device: options.Device),
        PredictionBenchmarkEngine.Int8 => Int8(model!, input, options, statistics, progress, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, null),
    };

    /// <summary>The network's float graph quantised to QDQ int8, calibrated (min-max) on up to 8 tiles of the synthetic raster (at most the export's default tile size).</summary>
    private static OnnxTilePredictor Int8(DeepLabMulti model, string raster, PredictionBenchmarkOptions options, BandStatistics statistics,
        IProgress<PredictionBenchmarkProgress>? progress, CancellationToken cancellationToken)
    {
        int tile = Math.Min(Math.Min(options.Stitch.TileSize, options.Size), new CalibrationOptions().TileSize);
        var calibration = new CalibrationOptions { Tiles = 8, TileSize = tile, Method = CalibrationMethod.MinMax };
        progress?.Report(new PredictionBenchmarkProgress(PredictionBenchmarkEngine.Int8, $"int8: calibrating on up to {calibration.Tiles} tiles of the synthetic raster (not timed)...", null));
        CalibrationSet set = CalibrationTiles.FromRaster(raster, [.. Enumerable.Range(1, options.Bands)], statistics, calibration, cancellationToken);
        var floatModel = DeepLabOnnxExporter.Build(model, new OnnxExportOptions(), cancellationToken);
        var (quantized, _) = OnnxModelExport.QuantizeInt8(floatModel, set, calibration, cancellationToken: cancellationToken);
        return new OnnxTilePredictor(quantized.ToByteArray(), statistics, [.. Enumerable.Range(0, model.NumClasses).Select(i => $"class_{i}")],
            options.Device, "the network quantised in memory");
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

    /// <summary>The stand-in for the network: one-hot of the first band's value. Costs next to nothing, so the benchmark measures the pipeline.</summary>
    private sealed class OneHotOfFirstBand(int classes, int bands) : ITilePredictor, IDisposable
    {
        public int ClassCount => classes;

        public int BandCount => bands;

        public void Dispose()
        {
        }

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
