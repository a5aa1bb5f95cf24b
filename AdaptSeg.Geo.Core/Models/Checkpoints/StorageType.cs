using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>A PyTorch storage class (<c>torch.FloatStorage</c>, ...) and the element type it holds.</summary>
internal sealed record StorageType(string PythonName, ScalarType Dtype, int ElementSize)
{
    private static readonly StorageType[] All =
    [
        new("FloatStorage", ScalarType.Float32, 4),
        new("DoubleStorage", ScalarType.Float64, 8),
        new("HalfStorage", ScalarType.Float16, 2),
        new("BFloat16Storage", ScalarType.BFloat16, 2),
        new("LongStorage", ScalarType.Int64, 8),
        new("IntStorage", ScalarType.Int32, 4),
        new("ShortStorage", ScalarType.Int16, 2),
        new("CharStorage", ScalarType.Int8, 1),
        new("ByteStorage", ScalarType.Byte, 1),
        new("BoolStorage", ScalarType.Bool, 1),
        new("ComplexFloatStorage", ScalarType.ComplexFloat32, 8),
        new("ComplexDoubleStorage", ScalarType.ComplexFloat64, 16),
    ];

    /// <summary><c>torch.UntypedStorage</c>: raw bytes, read as uint8 like torch.load does.</summary>
    public static readonly StorageType Untyped = new("UntypedStorage", ScalarType.Byte, 1);

    /// <summary>The storage class named <paramref name="name"/> in module <c>torch</c>, or null.</summary>
    public static StorageType? FromTorchName(string name) =>
        name == Untyped.PythonName ? Untyped : All.FirstOrDefault(t => t.PythonName == name);

    /// <summary>The storage class <c>torch.save</c> writes for a tensor of this dtype.</summary>
    public static StorageType ForDtype(ScalarType dtype) =>
        All.FirstOrDefault(t => t.Dtype == dtype)
        ?? throw new CheckpointException($"Tensors of dtype {dtype} cannot be written to a checkpoint; convert them to float32 first.");
}
