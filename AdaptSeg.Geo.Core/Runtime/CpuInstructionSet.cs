using System.Runtime.InteropServices;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// The widest vector instruction set this CPU offers, as Linux reports it in <c>/proc/cpuinfo</c>.
/// Printed beside every number a run reports: libtorch and oneDNN choose their kernels by it, so a
/// loss, a prediction and a score change with it as they do with the seed (the same build gave
/// another demo mIoU on an AVX2 machine than on the build machine).
/// </summary>
public static class CpuInstructionSet
{
    private const string CpuInfoPath = "/proc/cpuinfo";

    /// <summary>
    /// "AMX", "AVX-512 VNNI", "AVX-512", "AVX2", "AVX" or "SSE" on x86-64 (the first the CPU has, in
    /// that order); "SVE" or "NEON" on Arm; the architecture's name followed by "(no /proc/cpuinfo)"
    /// where the file cannot be read (not Linux).
    /// </summary>
    public static string Describe()
    {
        string text;
        try
        {
            // The first processor's block holds the list; the file repeats it for every core.
            text = string.Join('\n', File.ReadLines(CpuInfoPath).Take(200));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{RuntimeInformation.ProcessArchitecture} (no {CpuInfoPath})";
        }

        return FromCpuInfo(text, RuntimeInformation.ProcessArchitecture);
    }

    /// <summary>
    /// The description for the text of a <c>/proc/cpuinfo</c> (the first processor's <c>flags</c>
    /// line on x86, <c>Features</c> on Arm).
    /// </summary>
    public static string FromCpuInfo(string cpuInfo, Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(cpuInfo);
        var flags = FirstList(cpuInfo, architecture is Architecture.X64 or Architecture.X86 ? "flags" : "Features");
        if (architecture is Architecture.X64 or Architecture.X86)
        {
            return flags.Contains("amx_tile") ? "AMX"
                : flags.Contains("avx512_vnni") ? "AVX-512 VNNI"
                : flags.Contains("avx512f") ? "AVX-512"
                : flags.Contains("avx2") ? "AVX2"
                : flags.Contains("avx") ? "AVX"
                : "SSE";
        }

        if (architecture is Architecture.Arm64 or Architecture.Arm)
        {
            return flags.Contains("sve") ? "SVE" : flags.Contains("asimd") || flags.Contains("neon") ? "NEON" : architecture.ToString();
        }

        return architecture.ToString();
    }

    /// <summary>The space-separated words after the first line that starts with <paramref name="key"/> and a colon.</summary>
    private static HashSet<string> FirstList(string cpuInfo, string key)
    {
        foreach (string line in cpuInfo.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            }
        }

        return [];
    }
}
