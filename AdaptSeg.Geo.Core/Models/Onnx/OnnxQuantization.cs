namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>The number format of an exported graph's convolutions.</summary>
public enum OnnxQuantization
{
    /// <summary>float32 throughout (the default).</summary>
    None,

    /// <summary>QDQ int8 (<see cref="QdqQuantizer"/>): per-channel symmetric int8 weights, per-tensor uint8 activations calibrated on target tiles.</summary>
    Int8,
}
