using System.Globalization;
using System.Text.RegularExpressions;

namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Names of outputs in progress, <c>.NAME.partial-PID-START-RANDOM[.ext]</c>: the writer's process id
/// and its start time (clock ticks since boot, from <c>/proc</c>), so a later run can tell a file
/// left by a killed writer (its process is gone, or the PID now belongs to a process that started
/// at another time) from one another process (a parallel shard, say) is still writing. Only the
/// former are ever removed; a partial name without a PID (older versions) is left alone.
/// </summary>
public static partial class PartialFiles
{
    private static readonly Lazy<long> OwnStart = new(() => StartTimeOf(Environment.ProcessId) ?? 0);

    /// <summary>A fresh partial name for <paramref name="name"/> in <paramref name="folder"/>, ending in <paramref name="extension"/> (may be empty).</summary>
    public static string NameFor(string folder, string name, string extension = "") =>
        Path.Combine(folder, $".{name}.partial-{Environment.ProcessId}-{OwnStart.Value}-{Guid.NewGuid().ToString("N")[..8]}{extension}");

    /// <summary>
    /// Deletes the partial files and folders of <paramref name="name"/> in <paramref name="folder"/>
    /// (with their <c>.aux.xml</c> sidecars) whose writer is known to be dead; returns their paths.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string folder, string name)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder))
        {
            return removed;
        }

        string prefix = $".{name}.partial-";
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder, prefix + "*"))
        {
            Match m = Stamp().Match(Path.GetFileName(entry)[prefix.Length..]);
            if (!m.Success
                || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                || !long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                || !IsDead(pid, start))
            {
                continue;
            }

            try
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }

                removed.Add(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover that cannot be removed does no harm under its hidden name.
            }
        }

        return removed;
    }

    /// <summary>Whether the process that wrote with <paramref name="pid"/> and <paramref name="start"/> is certainly gone.</summary>
    public static bool IsDead(int pid, long start)
    {
        if (!OperatingSystem.IsLinux() || start == 0)
        {
            return false; // liveness unknown: never remove
        }

        if (!Directory.Exists($"/proc/{pid}"))
        {
            return true;
        }

        long? now = StartTimeOf(pid);
        return now is long s && s != start; // the PID was reused by a later process
    }

    /// <summary>Field 22 of <c>/proc/PID/stat</c>: when the process started, in clock ticks since boot; null when unknown.</summary>
    public static long? StartTimeOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(\d{1,10})-(\d{1,20})-[0-9a-f]{8}")]
    private static partial Regex Stamp();
}
