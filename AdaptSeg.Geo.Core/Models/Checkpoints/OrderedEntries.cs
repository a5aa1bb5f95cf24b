using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>A read-only dictionary that keeps insertion order (a Python dict read from a checkpoint).</summary>
internal sealed class OrderedEntries : IReadOnlyDictionary<string, object?>
{
    private readonly List<string> keys = [];
    private readonly Dictionary<string, object?> values = new(StringComparer.Ordinal);

    public int Count => keys.Count;

    public IEnumerable<string> Keys => keys;

    public IEnumerable<object?> Values => keys.Select(k => values[k]);

    public object? this[string key] => values[key];

    public bool TryAdd(string key, object? value)
    {
        if (!values.TryAdd(key, value))
        {
            return false;
        }

        keys.Add(key);
        return true;
    }

    public bool ContainsKey(string key) => values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        keys.Select(k => new KeyValuePair<string, object?>(k, values[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
