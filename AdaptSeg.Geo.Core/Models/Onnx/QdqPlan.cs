namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// What <see cref="QdqQuantizer"/> quantises in a float graph: the convolutions that get int8
/// weights, and the activation tensors that get a QuantizeLinear -> DequantizeLinear pair.
/// </summary>
/// <param name="Convolutions">Output names of the quantised <c>Conv</c> nodes (their first output).</param>
/// <param name="Tensors">Every activation tensor that gets a Q -> DQ pair, in graph order.</param>
/// <param name="SharedParameters">
/// Tensors that take another tensor's scale and zero point instead of their own (a <c>MaxPool</c>'s
/// output takes its input's: the maximum of codes with one scale is exact, and ONNX Runtime then runs
/// the pool on uint8).
/// </param>
public sealed record QdqPlan(IReadOnlyList<string> Convolutions, IReadOnlyList<string> Tensors, IReadOnlyDictionary<string, string> SharedParameters)
{
    /// <summary>The tensors whose range the calibration measures: <see cref="Tensors"/> less <see cref="SharedParameters"/>'s keys.</summary>
    public IReadOnlyList<string> CalibratedTensors => Tensors.Where(t => !SharedParameters.ContainsKey(t)).ToList();
}
