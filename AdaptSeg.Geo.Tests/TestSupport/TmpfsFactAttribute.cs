using System.Diagnostics;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// A fact that mounts a tiny tmpfs to make a real full disk: needs Linux, root and the right to
/// mount (CAP_SYS_ADMIN), which a probe mount checks; skipped, saying why, where that is missing.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(Probe);

    public TmpfsFactAttribute()
    {
        if (Missing.Value is string reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (for example 24k) on <paramref name="folder"/>.</summary>
    public static bool Mount(string folder, string size) => Exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder) == 0;

    public static void Unmount(string folder) => Exec("umount", folder);

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "needs root on Linux to mount a tiny tmpfs (a real full disk)";
        }

        string probe = Directory.CreateTempSubdirectory("adaptseg-tmpfs-probe-").FullName;
        try
        {
            if (!Mount(probe, "8k"))
            {
                return "mount -t tmpfs is not permitted here (no CAP_SYS_ADMIN)";
            }

            Unmount(probe);
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the mount program is not installed";
        }
        finally
        {
            Directory.Delete(probe);
        }
    }

    private static int Exec(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
