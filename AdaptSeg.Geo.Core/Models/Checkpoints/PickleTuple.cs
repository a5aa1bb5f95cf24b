namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>A Python tuple as the unpickler builds it.</summary>
internal sealed class PickleTuple(object?[] items)
{
    public static readonly PickleTuple Empty = new([]);

    public object?[] Items { get; } = items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public override bool Equals(object? obj) =>
        obj is PickleTuple other && Items.Length == other.Items.Length && Items.Zip(other.Items).All(p => Equals(p.First, p.Second));

    public override int GetHashCode() => Items.Aggregate(Items.Length, (h, item) => HashCode.Combine(h, item));

    /// <summary>Python-like text, shallow: nested tuples are not expanded (error messages only).</summary>
    public override string ToString() =>
        "(" + string.Join(", ", Items.Take(8).Select(i => i switch
        {
            null => "None",
            string s => $"'{(s.Length > 40 ? s[..40] + "..." : s)}'",
            PickleTuple t => $"({t.Count} items)",
            _ => i.ToString(),
        })) + (Items.Length > 8 ? ", ...)" : ")");
}
