namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread, in order, before the work goes on
/// (<see cref="Progress{T}"/> posts to the thread pool, so its reports can arrive late or out of order).
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Action<T> _report = report ?? throw new ArgumentNullException(nameof(report));

    /// <inheritdoc />
    public void Report(T value) => _report(value);
}
