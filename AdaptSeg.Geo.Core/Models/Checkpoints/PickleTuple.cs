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

    public override string ToString() => "(" + string.Join(", ", Items.Select(i => i?.ToString() ?? "None")) + ")";
}
