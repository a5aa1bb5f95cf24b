namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// Core's progress records as an <see cref="IProgress{T}"/>, rendered by <see cref="ConsoleProgressBar"/>
/// (a Spectre.Console bar with rate and ETA on a terminal, periodic plain lines when stderr is redirected).
/// </summary>
internal sealed class ProgressLine<T>(TextWriter writer, string label, Func<T, (long Done, long Total)> measure, string unit = "it") : IProgress<T>, IDisposable
{
    private readonly ConsoleProgressBar bar = ConsoleProgressBar.ForStandardError(writer, label, unit);

    public void Report(T value)
    {
        (long done, long total) = measure(value);
        bar.Update(done, total);
    }

    public void Dispose() => bar.Finish();
}
