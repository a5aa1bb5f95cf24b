using System.Diagnostics;
using System.Globalization;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>
/// Runs the built CLI, <c>dotnet adaptseg.dll model info FILE</c>, in a child process under stated caps: its resident
/// memory (VmRSS, and the peak VmHWM, polled from <c>/proc/&lt;pid&gt;/status</c> every 10 ms) and its wall time. A child
/// over a cap is killed and reported as such.
/// </summary>
internal static class ChildReader
{
    /// <summary>The memory cap the tests enforce.</summary>
    public const long MaxRssBytes = 1_500_000_000;

    /// <summary>The wall-time cap the tests enforce.</summary>
    public static readonly TimeSpan MaxWall = TimeSpan.FromSeconds(20);

    public sealed record Result(int ExitCode, long PeakRssBytes, TimeSpan Wall, string Output, string Error, string? Killed)
    {
        /// <summary>Exit 0 or 2, never over a cap: what every read of an untrusted file must end in.</summary>
        public bool Acceptable => Killed is null && ExitCode is 0 or 2;

        public string Describe() => Killed ?? string.Create(
            CultureInfo.InvariantCulture,
            $"exit {ExitCode}, peak RSS {PeakRssBytes / 1e6:F0} MB, {Wall.TotalSeconds:F1} s; stderr: {Clip(Error)}");

        private static string Clip(string s) => s.Length > 400 ? s[..400] + "..." : s;
    }

    public static Result ModelInfo(string file, string? limits = null) => Run(["model", "info", file], limits);

    /// <param name="arguments">The CLI's arguments.</param>
    /// <param name="limits">The value of ADAPTSEG_CHECKPOINT_LIMITS for the child, or null for none (the defaults).</param>
    public static Result Run(IReadOnlyList<string> arguments, string? limits = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "adaptseg.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        // The defaults are what is tested: a limit raised in the caller's environment must not leak in.
        start.Environment.Remove("ADAPTSEG_CHECKPOINT_LIMITS");
        if (limits is not null)
        {
            start.Environment["ADAPTSEG_CHECKPOINT_LIMITS"] = limits;
        }

        var clock = Stopwatch.StartNew();
        using Process child = Process.Start(start)!;
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> error = child.StandardError.ReadToEndAsync();
        long peak = 0;
        string? killed = null;
        string status = $"/proc/{child.Id}/status";
        while (!child.WaitForExit(10))
        {
            var (rss, hwm) = ReadMemory(status);
            peak = Math.Max(peak, Math.Max(rss, hwm));
            if (rss > MaxRssBytes)
            {
                killed = $"killed: resident memory {rss / 1e6:F0} MB over the {MaxRssBytes / 1e6:F0} MB cap";
            }
            else if (clock.Elapsed > MaxWall)
            {
                killed = $"killed: still running after {MaxWall.TotalSeconds:F0} s";
            }

            if (killed is not null)
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                break;
            }
        }

        child.WaitForExit();
        TimeSpan wall = clock.Elapsed;
        return new Result(child.ExitCode, peak, wall, output.Result, error.Result, killed);
    }

    /// <summary>VmRSS and VmHWM in bytes; zeros once the process is gone.</summary>
    private static (long Rss, long Hwm) ReadMemory(string status)
    {
        long rss = 0;
        long hwm = 0;
        try
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line);
                }
            }
        }
        catch (IOException)
        {
            // The child exited between the check and the read.
        }

        return (rss, hwm);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
