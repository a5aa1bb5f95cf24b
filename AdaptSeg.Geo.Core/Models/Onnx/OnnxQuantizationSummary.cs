namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>What an int8 export quantised, and the calibration behind it.</summary>
/// <param name="QuantizedConvolutions">Convolutions with int8 weights.</param>
/// <param name="FloatConvolutions">Convolutions left float: the classifiers that produce the logits, and <paramref name="CancellingConvolutions"/>.</param>
/// <param name="ActivationTensors">Activation tensors with a QuantizeLinear -> DequantizeLinear pair.</param>
/// <param name="CalibrationTiles">Tiles the ranges were measured on.</param>
/// <param name="CalibrationTileSize">Their side in pixels.</param>
/// <param name="Method">"min-max" or "percentile 99.99".</param>
/// <param name="Scenes">The target images the tiles came from.</param>
/// <param name="CancellingConvolutions">Of the float convolutions, those feeding residual additions that cancel (<see cref="QdqQuantizer.WithoutCancellingAdds"/>).</param>
public sealed record OnnxQuantizationSummary(
    int QuantizedConvolutions, int FloatConvolutions, int ActivationTensors, int CalibrationTiles, int CalibrationTileSize, string Method, IReadOnlyList<string> Scenes,
    int CancellingConvolutions);
