namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// A Python global that passed the allow-list (see <see cref="PickleReader"/>): a storage class,
/// a tensor-rebuild function, <c>collections.OrderedDict</c> or <c>_codecs.encode</c>.
/// </summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;

    /// <summary>The storage class this global names, or null when it is a function or OrderedDict.</summary>
    public StorageType? Storage { get; init; }

    public override string ToString() => FullName;
}
