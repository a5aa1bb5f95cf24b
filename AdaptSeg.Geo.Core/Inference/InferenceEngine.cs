namespace AdaptSeg.Geo.Inference;

/// <summary>What runs the network in <c>predict</c>.</summary>
public enum InferenceEngine
{
    /// <summary>TorchSharp (libtorch): a model.pth, on the CPU or CUDA.</summary>
    TorchSharp,

    /// <summary>ONNX Runtime: a .onnx from <c>export onnx</c> (float32 or int8), or a model.pth exported in memory.</summary>
    OnnxRuntime,
}
