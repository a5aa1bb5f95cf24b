using System.Diagnostics;
using System.Globalization;
using AdaptSeg.Geo.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// <c>predict --engine auto</c>: picks the engine for a model and this machine, and says why.
/// <list type="bullet">
/// <item>A quantised .onnx (<c>export onnx --quantize int8</c>) runs on ONNX Runtime's int8 kernels.</item>
/// <item>A float .onnx runs on ONNX Runtime (the only engine that reads it).</item>
/// <item>A model.pth on CUDA runs on TorchSharp (not measured: ONNX Runtime's CPU build has no CUDA).</item>
/// <item>A model.pth on the CPU runs on the faster of TorchSharp and ONNX Runtime float32 for this
/// model, this CPU, this thread count and this tile size: measured once on a few random tiles
/// (one warm-up and <see cref="MeasuredTiles"/> timed tiles each, the faster tile counting), then
/// read from <see cref="EngineMeasurementCache"/> beside the model. When that file cannot be
/// written (a read-only model folder) the choice is still made, only not kept, and the choice says so.</item>
/// </list>
/// </summary>
public sealed class AutoEngineFactory : ITilePredictorFactory
{
    /// <summary>Tile side the engines are measured on (predict's tile size).</summary>
    public int TileSize { get; init; } = 512;

    /// <summary>Timed tiles per engine (after one untimed warm-up tile).</summary>
    public int MeasuredTiles { get; init; } = 2;

    /// <summary>Normalise with the source statistics instead of the target's (a model.pth only).</summary>
    public bool UseSourceStatistics { get; init; }

    /// <summary>The choice made by the last <see cref="Create"/>.</summary>
    public EngineChoice? LastChoice { get; private set; }

    public ITilePredictor Create(string checkpointPath, string device)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        if (TileSize < 16 || MeasuredTiles < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TileSize), $"Measure at least one tile of at least 16 pixels (got {MeasuredTiles} of {TileSize}).");
        }

        if (!File.Exists(checkpointPath))
        {
            throw new FileNotFoundException($"The model '{checkpointPath}' does not exist; give the model.pth written by 'adaptseg train' or a .onnx from 'adaptseg export onnx'.", checkpointPath);
        }

        var onnxFactory = new OnnxRuntimePredictorFactory { UseSourceStatistics = UseSourceStatistics };
        if (checkpointPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var onnx = (OnnxTilePredictor)onnxFactory.Create(checkpointPath, device);
            LastChoice = new EngineChoice(InferenceEngine.OnnxRuntime, onnx.IsQuantized, onnx.IntraOpThreads, onnx.IsQuantized
                ? "the model is quantised (int8 QDQ), so ONNX Runtime runs it with its int8 kernels"
                : "a float32 .onnx runs on ONNX Runtime (TorchSharp reads model.pth files)");
            return onnx;
        }

        var torchFactory = new CheckpointPredictorFactory { UseSourceStatistics = UseSourceStatistics };
        if (TorchRuntime.ResolveDevice(device).type != TorchSharp.DeviceType.CPU)
        {
            LastChoice = new EngineChoice(InferenceEngine.TorchSharp, false, TorchSharp.torch.get_num_threads(),
                $"device '{device}' is a GPU: TorchSharp runs there (this build's ONNX Runtime is CPU-only; not measured)");
            return torchFactory.Create(checkpointPath, device);
        }

        int threads = TorchSharp.torch.get_num_threads();
        string engines = $"TorchSharp {TorchRuntime.TorchSharpVersion} (libtorch {TorchRuntime.LibTorchVersion}); ONNX Runtime {OrtEnv.Instance().GetVersionString()}";
        var key = EngineMeasurementCache.Key.For(checkpointPath, threads, TileSize, engines);
        string cachePath = EngineMeasurementCache.PathFor(checkpointPath);
        var (cached, problem) = EngineMeasurementCache.Find(cachePath, key);
        if (cached is not null && cached.MsPerTile.TryGetValue(Name(InferenceEngine.TorchSharp), out double torchMs) && cached.MsPerTile.TryGetValue(Name(InferenceEngine.OnnxRuntime), out double ortMs))
        {
            InferenceEngine winner = ortMs < torchMs ? InferenceEngine.OnnxRuntime : InferenceEngine.TorchSharp;
            ITilePredictor chosen = winner == InferenceEngine.OnnxRuntime ? onnxFactory.Create(checkpointPath, device) : torchFactory.Create(checkpointPath, device);
            LastChoice = Choice(winner, chosen, torchMs, ortMs, threads,
                string.Create(CultureInfo.InvariantCulture, $"measured {cached.MeasuredUtc:yyyy-MM-dd HH:mm} UTC, read from '{cachePath}'"));
            return chosen;
        }

        // Measure both, keep the faster.
        var measured = new Dictionary<InferenceEngine, double>();
        ITilePredictor? best = null;
        InferenceEngine bestEngine = InferenceEngine.TorchSharp;
        foreach (InferenceEngine engine in new[] { InferenceEngine.TorchSharp, InferenceEngine.OnnxRuntime })
        {
            ITilePredictor candidate = engine == InferenceEngine.OnnxRuntime ? onnxFactory.Create(checkpointPath, device) : torchFactory.Create(checkpointPath, device);
            try
            {
                measured[engine] = MsPerTile(candidate, TileSize, MeasuredTiles);
            }
            catch
            {
                (candidate as IDisposable)?.Dispose();
                (best as IDisposable)?.Dispose();
                throw;
            }

            if (best is null || measured[engine] < measured[bestEngine])
            {
                (best as IDisposable)?.Dispose();
                best = candidate;
                bestEngine = engine;
            }
            else
            {
                (candidate as IDisposable)?.Dispose();
            }
        }

        var entry = new EngineMeasurementCache.Entry(key,
            measured.ToDictionary(kv => Name(kv.Key), kv => Math.Round(kv.Value, 1)), DateTime.UtcNow);
        string? failed = EngineMeasurementCache.Store(cachePath, entry);
        string note = failed is null
            ? $"measured now on {MeasuredTiles} random {TileSize}-px tile(s) each, kept in '{cachePath}'"
            : $"measured now on {MeasuredTiles} random {TileSize}-px tile(s) each; not cached: {failed}, so the next run measures again";
        if (problem is not null)
        {
            note += $" ({problem})";
        }

        LastChoice = Choice(bestEngine, best!, measured[InferenceEngine.TorchSharp], measured[InferenceEngine.OnnxRuntime], threads, note);
        return best!;
    }

    /// <summary>Wall-clock milliseconds of the fastest of <paramref name="tiles"/> single-tile calls, after one untimed call; random raw input around the band statistics.</summary>
    internal static double MsPerTile(ITilePredictor predictor, int tileSize, int tiles)
    {
        int plane = tileSize * tileSize;
        var random = new Random(20240601);
        var input = new float[predictor.BandCount * plane];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() * 255);
        }

        var output = new float[predictor.ClassCount * plane];
        predictor.Predict(input, 1, tileSize, tileSize, output);
        double best = double.MaxValue;
        for (int t = 0; t < tiles; t++)
        {
            long start = Stopwatch.GetTimestamp();
            predictor.Predict(input, 1, tileSize, tileSize, output);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return best;
    }

    private static string Name(InferenceEngine engine) => engine == InferenceEngine.TorchSharp ? "torchsharp" : "onnxruntime";

    private static EngineChoice Choice(InferenceEngine winner, ITilePredictor chosen, double torchMs, double ortMs, int torchThreads, string note)
    {
        int threads = chosen is OnnxTilePredictor onnx ? onnx.IntraOpThreads : torchThreads;
        double faster = winner == InferenceEngine.OnnxRuntime ? ortMs : torchMs;
        double slower = winner == InferenceEngine.OnnxRuntime ? torchMs : ortMs;
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"the faster float32 engine for this model on this CPU ({CpuInstructionSet.Current.Level}): {faster:F0} ms per tile against {slower:F0} ms for {(winner == InferenceEngine.OnnxRuntime ? "TorchSharp" : "ONNX Runtime")}; {note}");
        return new EngineChoice(winner, false, threads, reason)
        {
            MsPerTile = new Dictionary<InferenceEngine, double> { [InferenceEngine.TorchSharp] = torchMs, [InferenceEngine.OnnxRuntime] = ortMs },
            CacheNote = note,
        };
    }
}
