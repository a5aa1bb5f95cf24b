using System.Diagnostics;
using System.Globalization;

namespace AdaptSeg.Geo.Runtime;

/// <summary>The process's peak resident memory (VmHWM on Linux), for benchmarks.</summary>
public static class ProcessMemory
{
    /// <summary>The peak resident set of this process so far, in MiB.</summary>
    public static double PeakWorkingSetMiB()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576.0;
    }
}
