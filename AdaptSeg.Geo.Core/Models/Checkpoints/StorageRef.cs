using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// A storage named by a persistent id. Its bytes arrive after the pickle (legacy format) or in a
/// separate archive member (zip format). A legacy view points at a range of its root storage.
/// </summary>
internal sealed class StorageRef(string key, StorageType type, long numel, StorageRef? root = null, long viewOffset = 0)
{
    public string Key { get; } = key;

    public StorageType Type { get; } = type;

    /// <summary>Elements (of <see cref="Type"/>) in this storage.</summary>
    public long Numel { get; } = numel;

    public StorageRef? Root { get; } = root;

    /// <summary>Element offset of a view into <see cref="Root"/>.</summary>
    public long ViewOffset { get; } = viewOffset;

    /// <summary>The whole storage as a 1-D tensor once its bytes are read (roots only); disposed by the reader.</summary>
    public Tensor? Materialised { get; set; }
}
