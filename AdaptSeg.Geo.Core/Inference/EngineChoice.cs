using System.Globalization;

namespace AdaptSeg.Geo.Inference;

/// <summary>What <see cref="AutoEngineFactory"/> chose, and why.</summary>
/// <param name="Engine">The engine that runs the network.</param>
/// <param name="Int8">True when it runs a quantised (int8) graph.</param>
/// <param name="Threads">Its intra-op threads.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record EngineChoice(InferenceEngine Engine, bool Int8, int Threads, string Reason)
{
    /// <summary>Milliseconds per tile of each engine measured for the choice (from this run or the cache); empty when nothing was measured.</summary>
    public IReadOnlyDictionary<InferenceEngine, double> MsPerTile { get; init; } = new Dictionary<InferenceEngine, double>();

    /// <summary>Where the measurement was cached or read from, or why it could not be cached; null when nothing was measured.</summary>
    public string? CacheNote { get; init; }

    /// <summary>"onnxruntime int8", "onnxruntime float32" or "torchsharp float32".</summary>
    public string Name => $"{(Engine == InferenceEngine.TorchSharp ? "torchsharp" : "onnxruntime")} {(Int8 ? "int8" : "float32")}";

    /// <summary>One line: the engine, its threads and the reason.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}, {Threads} thread(s): {Reason}");
}
