namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>Progress of <see cref="OnnxModelExport.Run"/>: which stage, and how far through it.</summary>
/// <param name="Stage">"calibration: ranges" or "calibration: histograms" (the int8 export's passes over the tiles).</param>
/// <param name="Done">Tiles done in this stage.</param>
/// <param name="Total">Tiles in this stage.</param>
public sealed record OnnxExportProgress(string Stage, int Done, int Total);
