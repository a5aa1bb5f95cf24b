namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>The two on-disk layouts <c>torch.save</c> has used.</summary>
public enum CheckpointFormat
{
    /// <summary>The zip archive written by <c>torch.save</c> since PyTorch 1.6 (<c>data.pkl</c> plus one file per storage).</summary>
    Zip,

    /// <summary>
    /// The pre-1.6 stream: magic number, protocol and system-info pickles, the main pickle, the storage-key
    /// list, then the raw storages. The checkpoints released with AdaptSegNet use it.
    /// </summary>
    Legacy,
}
