using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// An ordered map from state-dict key (<c>conv1.weight</c>) to tensor, in the order the checkpoint
/// (or module) lists them.
/// </summary>
/// <remarks>
/// A state dict does not own its tensors: the <see cref="Checkpoint"/> it came from does, and disposing
/// the checkpoint releases them. <see cref="FromModule"/> returns the module's own parameter and buffer
/// tensors (writing into them changes the module).
/// </remarks>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>
{
    private readonly List<string> keys;
    private readonly Dictionary<string, Tensor> tensors;

    public StateDict(IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        keys = [];
        tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in entries)
        {
            if (!tensors.TryAdd(key, tensor))
            {
                throw new ArgumentException($"The state-dict key '{key}' appears twice.", nameof(entries));
            }

            keys.Add(key);
        }
    }

    /// <summary>The module's <c>state_dict()</c>: its parameters and buffers, by PyTorch name, in registration order.</summary>
    public static StateDict FromModule(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new StateDict(module.state_dict());
    }

    public int Count => keys.Count;

    public IEnumerable<string> Keys => keys;

    public IEnumerable<Tensor> Values => keys.Select(k => tensors[k]);

    public Tensor this[string key] => tensors.TryGetValue(key, out Tensor? t)
        ? t
        : throw new KeyNotFoundException($"The state dict has no key '{key}'.");

    /// <summary>Total number of elements over all tensors.</summary>
    public long ElementCount => tensors.Values.Sum(t => t.numel());

    public bool ContainsKey(string key) => tensors.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => tensors.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        keys.Select(k => new KeyValuePair<string, Tensor>(k, tensors[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
