using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// A PyTorch checkpoint read by <see cref="CheckpointReader"/>: its top-level entries, and the state dict
/// found in it. Owns every tensor it holds; dispose it once the tensors have been copied into a model.
/// </summary>
/// <remarks>
/// <see cref="Entries"/> holds the top-level dict. Values are <see cref="Tensor"/>, <see cref="string"/>,
/// <see cref="long"/> (or <see cref="System.Numerics.BigInteger"/>), <see cref="double"/>, <see cref="bool"/>,
/// <c>byte[]</c>, null, <c>IReadOnlyList&lt;object?&gt;</c> (Python lists, tuples and sets) and nested
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> (non-string Python keys such as optimiser parameter
/// indices appear as their decimal text).
/// </remarks>
public sealed class Checkpoint : IDisposable
{
    /// <summary>Top-level keys under which a dict of tensors is taken as the state dict, in this order.</summary>
    public static readonly IReadOnlyList<string> StateDictWrapperKeys = ["state_dict", "model_state_dict", "model", "state", "net", "network"];

    private readonly List<Tensor> owned;
    private readonly StateDict? stateDict;
    private bool disposed;

    internal Checkpoint(string path, CheckpointFormat format, IReadOnlyDictionary<string, object?> entries, List<Tensor> owned)
    {
        Path = path;
        Format = format;
        Entries = entries;
        this.owned = owned;
        if (IsTensorDict(entries))
        {
            stateDict = ToStateDict(entries);
        }
        else
        {
            foreach (string key in StateDictWrapperKeys)
            {
                if (entries.TryGetValue(key, out object? inner) && inner is IReadOnlyDictionary<string, object?> dict && IsTensorDict(dict))
                {
                    stateDict = ToStateDict(dict);
                    StateDictKey = key;
                    break;
                }
            }
        }
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Text metadata stored beside the tensors (a safetensors header's <c>__metadata__</c>); empty for .pth files, whose metadata are <see cref="Entries"/>.</summary>
    public IReadOnlyDictionary<string, object?> FileMetadata { get; init; } = new Dictionary<string, object?>();

    public CheckpointFormat Format { get; }

    /// <summary>The checkpoint's top-level dict (see remarks for the value types).</summary>
    public IReadOnlyDictionary<string, object?> Entries { get; }

    /// <summary>Null when the top-level dict is itself the state dict; else the wrapper key it was found under (<c>state_dict</c>, <c>model</c>, ...).</summary>
    public string? StateDictKey { get; }

    /// <summary>Whether a state dict was found (see <see cref="StateDict"/>).</summary>
    public bool HasStateDict => stateDict is not null;

    /// <summary>
    /// The model weights: the top-level dict when all its values are tensors, else the first dict of tensors
    /// under one of <see cref="StateDictWrapperKeys"/>. The tensors belong to this checkpoint.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint holds no dict of tensors where one is expected.</exception>
    public StateDict StateDict => stateDict ?? throw new CheckpointException(
        $"{Path}: no state dict found. The top-level keys are [{string.Join(", ", Entries.Keys)}]; a state dict is the top-level dict " +
        $"when all its values are tensors, or a dict of tensors under one of [{string.Join(", ", StateDictWrapperKeys)}]. " +
        "Re-save the checkpoint with torch.save({'state_dict': model.state_dict()}, path).");

    /// <summary>Total number of tensors in the checkpoint, nested entries included.</summary>
    public int TensorCount => owned.Count;

    /// <summary>A nested dict of tensors stored under <paramref name="key"/> (a discriminator's weights, say), or null.</summary>
    public StateDict? TryGetStateDict(string key) =>
        Entries.TryGetValue(key, out object? value) && value is IReadOnlyDictionary<string, object?> dict && IsTensorDict(dict)
            ? ToStateDict(dict)
            : null;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (Tensor t in owned)
        {
            t.Dispose();
        }
    }

    private static bool IsTensorDict(IReadOnlyDictionary<string, object?> dict) =>
        dict.Count > 0 && dict.Values.All(v => v is Tensor);

    private static StateDict ToStateDict(IReadOnlyDictionary<string, object?> dict) =>
        new(dict.Select(kv => new KeyValuePair<string, Tensor>(kv.Key, (Tensor)kv.Value!)));
}
