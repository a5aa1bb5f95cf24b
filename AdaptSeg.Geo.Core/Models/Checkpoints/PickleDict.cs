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
        if (key is null || !IsHashable(key))
        {
            throw new CheckpointException($"{file}: a dict key of type {key?.GetType().Name ?? "None"} is not supported (keys must be strings, numbers or flat tuples); the pickle is corrupt or not a checkpoint.");
        }

        if (!values.ContainsKey(key))
        {
            keys.Add(key);
        }

        values[key] = value;
    }

    /// <summary>Keys a state dict or optimiser state can have; nested tuples would make hashing recursive.</summary>
    private static bool IsHashable(object key) =>
        key is string or long or bool or double or System.Numerics.BigInteger
        || (key is PickleTuple tuple && tuple.Items.All(i => i is null or string or long or bool or double));
}
