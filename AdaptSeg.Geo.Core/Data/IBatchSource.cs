namespace AdaptSeg.Geo.Data;

/// <summary>
/// Produces the data of an iteration. <see cref="Load"/> must depend only on the iteration number
/// (and the source's own seed), so that a resumed run sees exactly the batches it would have seen,
/// and so that several threads can load ahead. It must be safe to call from several threads.
/// </summary>
public interface IBatchSource
{
    /// <summary>The data of one 0-based iteration (one entry per accumulated batch).</summary>
    IReadOnlyList<BatchData> Load(int iteration);
}
