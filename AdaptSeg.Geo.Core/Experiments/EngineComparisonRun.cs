namespace AdaptSeg.Geo.Experiments;

/// <summary>One engine on one seed's model: target scores, agreement and speed.</summary>
/// <param name="Seed">The training seed.</param>
/// <param name="Engine">"torchsharp float32", "onnxruntime float32" or "onnxruntime int8".</param>
/// <param name="MeanIoU">Target mIoU, % (evaluation labels only score).</param>
/// <param name="ClassIoU">Target IoU per class, %.</param>
/// <param name="Agreement">Share of the target's predicted pixels with the same class as TorchSharp float32's mask, %.</param>
/// <param name="Tiles">Tiles predicted.</param>
/// <param name="MsPerTile">Wall-clock milliseconds per tile, read to write.</param>
/// <param name="CpuMsPerTile">Process CPU milliseconds per tile (all threads).</param>
/// <param name="Threads">The engine's intra-op threads.</param>
public sealed record EngineComparisonRun(int Seed, string Engine, double MeanIoU, IReadOnlyList<double> ClassIoU, double Agreement, int Tiles, double MsPerTile, double CpuMsPerTile, int Threads);
