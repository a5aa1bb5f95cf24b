using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// Progress on the error stream. On a terminal a Spectre.Console bar (description, bar, percent,
/// count, rate, elapsed time and ETA) redrawn in place; when the stream is redirected (logs, CI)
/// a plain line at most every five seconds and at the end, with the same numbers.
/// </summary>
internal sealed class ConsoleProgressBar : IDisposable
{
    private readonly TextWriter writer;
    private readonly string label;
    private readonly string unit;
    private readonly Stopwatch sinceLast = Stopwatch.StartNew();
    private readonly Stopwatch total = Stopwatch.StartNew();
    private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ProgressTask> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? display;
    private bool ended;

    public ConsoleProgressBar(TextWriter writer, string label, bool interactive, string unit = "it")
    {
        this.writer = writer;
        this.label = label;
        this.unit = unit;
        if (interactive)
        {
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Yes,
                Interactive = InteractionSupport.Yes,
                ColorSystem = ColorSystemSupport.Detect,
                Out = new AnsiConsoleOutput(writer),
            });
            display = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(),
                    new CountColumn(), new RateColumn(unit), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    started.SetResult(context.AddTask(Markup.Escape(label), autoStart: true, maxValue: 1));
                    await finished.Task.ConfigureAwait(false);
                });
        }
    }

    /// <summary>A bar for the process's stderr (interactive when stderr is a terminal).</summary>
    public static ConsoleProgressBar ForStandardError(TextWriter writer, string label, string unit = "it") =>
        new(writer, label, ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected, unit);

    /// <summary>Shows <paramref name="done"/> of <paramref name="count"/> with a detail text.</summary>
    public void Update(long done, long count, string detail = "")
    {
        if (ended)
        {
            return;
        }

        bool last = count > 0 && done >= count;
        if (display is not null && !started.Task.Wait(TimeSpan.FromSeconds(5)))
        {
            display = null; // the terminal display did not start: fall back to plain lines
        }

        if (display is not null)
        {
            ProgressTask task = started.Task.Result;
            task.MaxValue = Math.Max(1, count);
            task.Value = Math.Min(done, Math.Max(1, count));
            task.Description = Markup.Escape(detail.Length == 0 ? label : $"{label} {detail}");
            if (last)
            {
                Finish();
            }

            return;
        }

        if (!last && sinceLast.Elapsed < TimeSpan.FromSeconds(5))
        {
            return;
        }

        sinceLast.Restart();
        writer.WriteLine(PlainLine(label, done, count, detail, total.Elapsed, unit));
        if (last)
        {
            ended = true;
        }
    }

    /// <summary>Ends the bar (after completion, cancellation or an error); waits until it is drawn for the last time.</summary>
    public void Finish()
    {
        if (ended)
        {
            return;
        }

        ended = true;
        if (display is not null)
        {
            finished.TrySetResult();
            try
            {
                display.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The bar could not be drawn (the terminal went away); the work itself is unaffected.
            }
        }
    }

    public void Dispose() => Finish();

    /// <summary>The redirected form: <c>label  42% 420/1000 detail 12.5 it/s 00:34 ETA 00:47</c>.</summary>
    internal static string PlainLine(string label, long done, long count, string detail, TimeSpan elapsed, string unit)
    {
        double fraction = count <= 0 ? 0 : Math.Clamp((double)done / count, 0, 1);
        double rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        string eta = fraction > 0 && fraction < 1 ? $" ETA {Format(TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction))}" : "";
        string details = detail.Length == 0 ? "" : " " + detail;
        return string.Create(CultureInfo.InvariantCulture, $"{label} {fraction * 100,3:F0}% {done}/{count}{details} {FormatRate(rate)} {unit}/s {Format(elapsed)}{eta}");
    }

    internal static string FormatRate(double rate) => rate switch
    {
        >= 100 => rate.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => rate.ToString("0.0", CultureInfo.InvariantCulture),
        >= 0.01 => rate.ToString("0.00", CultureInfo.InvariantCulture),
        _ => rate.ToString("0.###e0", CultureInfo.InvariantCulture),
    };

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>"done/total" of a task.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0}"));
    }

    /// <summary>Items per second, from Spectre's sliding-window speed.</summary>
    private sealed class RateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double speed ? $"{FormatRate(speed)} {unit}/s" : $"- {unit}/s");
    }
}
