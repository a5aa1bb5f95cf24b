namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>A Python dict or OrderedDict as the unpickler builds it: insertion order is kept.</summary>
internal sealed class PickleDict
{
    private readonly List<object> keys = [];
    private readonly Dictionary<object, object?> values = [];

    public int Count => keys.Count;

    public IEnumerable<KeyValuePair<object, object?>> Items => keys.Select(k => new KeyValuePair<object, object?>(k, values[k]));

    public void Set(object? key, object? value, string file)
    {
        if (key is null || key is List<object?> or PickleDict)
        {
            throw new CheckpointException($"{file}: a dict key of type {key?.GetType().Name ?? "None"} cannot be used; the pickle is corrupt or not a checkpoint.");
        }

        if (!values.ContainsKey(key))
        {
            keys.Add(key);
        }

        values[key] = value;
    }
}
