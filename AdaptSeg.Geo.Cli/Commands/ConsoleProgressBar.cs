using System.Diagnostics;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// A one-line progress bar on the error stream: redrawn in place on a terminal, and written as
/// a plain line at most every few seconds when the stream is redirected (logs, CI).
/// </summary>
internal sealed class ConsoleProgressBar(TextWriter writer, string label, bool interactive)
{
    private readonly Stopwatch sinceLast = Stopwatch.StartNew();
    private readonly Stopwatch total = Stopwatch.StartNew();
    private bool drawn;

    /// <summary>A bar for the process's stderr (interactive when stderr is a terminal).</summary>
    public static ConsoleProgressBar ForStandardError(TextWriter writer, string label) =>
        new(writer, label, ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Shows <paramref name="done"/> of <paramref name="count"/> with a detail text.</summary>
    public void Update(long done, long count, string detail = "")
    {
        double fraction = count <= 0 ? 0 : Math.Clamp((double)done / count, 0, 1);
        bool last = done >= count;
        if (!last && sinceLast.Elapsed < (interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5)))
        {
            return;
        }

        sinceLast.Restart();
        const int width = 30;
        int filled = (int)Math.Round(fraction * width);
        string eta = fraction > 0 && !last ? $" ETA {Format(TimeSpan.FromSeconds(total.Elapsed.TotalSeconds * (1 - fraction) / fraction))}" : "";
        string line = $"{label} [{new string('#', filled)}{new string('-', width - filled)}] {fraction * 100,3:F0}% {done}/{count} {detail}{eta} ({Format(total.Elapsed)})";
        if (interactive)
        {
            writer.Write("\r" + line.PadRight(Math.Min(200, Math.Max(line.Length, 100))));
            drawn = true;
            if (last)
            {
                writer.WriteLine();
                drawn = false;
            }
        }
        else
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>Ends the bar's line (after cancellation or an error).</summary>
    public void Finish()
    {
        if (drawn)
        {
            writer.WriteLine();
            drawn = false;
        }
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"mm\:ss");
}
