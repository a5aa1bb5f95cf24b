namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>The on-disk layouts read: the two <c>torch.save</c> has used, and safetensors.</summary>
public enum CheckpointFormat
{
    /// <summary>The zip archive written by <c>torch.save</c> since PyTorch 1.6 (<c>data.pkl</c> plus one file per storage).</summary>
    Zip,

    /// <summary>
    /// The pre-1.6 stream: magic number, protocol and system-info pickles, the main pickle, the storage-key
    /// list, then the raw storages. The checkpoints released with AdaptSegNet use it.
    /// </summary>
    Legacy,

    /// <summary>
    /// <c>.safetensors</c> (Hugging Face, timm): an 8-byte header length, a JSON header naming each
    /// tensor's dtype, shape and byte range, then the raw little-endian data. No pickle.
    /// </summary>
    Safetensors,
}
