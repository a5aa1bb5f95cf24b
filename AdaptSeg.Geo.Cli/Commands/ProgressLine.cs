using System.Diagnostics;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// Renders Core's progress records on stderr: a single redrawn bar when stderr is an interactive
/// console, otherwise a plain line at each tenth of the work (logs and CI stay readable).
/// Reports arrive on the worker thread, in order.
/// </summary>
internal sealed class ProgressLine<T>(TextWriter writer, string label, Func<T, (long Done, long Total)> measure) : IProgress<T>, IDisposable
{
    private const int BarWidth = 30;
    private readonly bool interactive = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastDrawMs = -1000;
    private int lastTenth = -1;
    private bool drawn;

    public void Report(T value)
    {
        (long done, long total) = measure(value);
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        if (interactive)
        {
            long now = clock.ElapsedMilliseconds;
            if (now - lastDrawMs < 200 && done < total)
            {
                return;
            }

            lastDrawMs = now;
            int filled = (int)(fraction * BarWidth);
            writer.Write($"\r{label} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {fraction,4:P0} {done}/{total} {clock.Elapsed:mm\\:ss}");
            drawn = true;
        }
        else
        {
            int tenth = (int)(fraction * 10);
            if (tenth > lastTenth)
            {
                lastTenth = tenth;
                writer.WriteLine($"{label}: {fraction:P0} ({done}/{total}, {clock.Elapsed:mm\\:ss})");
            }
        }
    }

    public void Dispose()
    {
        if (drawn)
        {
            writer.WriteLine();
        }
    }
}
