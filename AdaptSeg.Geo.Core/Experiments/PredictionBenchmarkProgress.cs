using AdaptSeg.Geo.Inference;

namespace AdaptSeg.Geo.Experiments;

/// <summary>What a <see cref="PredictionBenchmark"/> is doing: a stage in words (<paramref name="Stage"/>), or the tiles of the running engine's timed pass (<paramref name="Tiles"/>).</summary>
public sealed record PredictionBenchmarkProgress(PredictionBenchmarkEngine Engine, string? Stage, StitchProgress? Tiles);
