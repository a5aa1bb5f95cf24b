namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>A tensor described by the pickle (<c>_rebuild_tensor_v2</c> arguments), built once its storage bytes are read.</summary>
internal sealed class TensorSpec(StorageRef storage, long offset, long[] size, long[] stride)
{
    public StorageRef Storage { get; } = storage;

    public long Offset { get; } = offset;

    public long[] Size { get; } = size;

    public long[] Stride { get; } = stride;
}
