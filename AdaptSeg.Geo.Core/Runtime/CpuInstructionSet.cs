using X86 = System.Runtime.Intrinsics.X86;

namespace AdaptSeg.Geo.Runtime;

/// <summary>
/// The vector instruction sets of this CPU that decide how fast float32 and int8 inference run:
/// AVX2 (FMA), AVX-512, AVX-512 VNNI or AVX-VNNI (int8 dot products in one instruction) and AMX
/// (int8/bf16 tile matrix units). Read from the <c>flags</c> line of <c>/proc/cpuinfo</c> (what
/// the kernel lets this process use), or from .NET's intrinsics where that file is missing.
/// </summary>
/// <remarks>
/// Speed figures mean little without this line: ONNX Runtime's int8 convolutions run on VNNI or
/// AMX where they exist and on AVX2's 16-bit multiply-adds otherwise, and the ratio between
/// engines moves with it.
/// </remarks>
public sealed record CpuInstructionSet
{
    private static readonly Lazy<CpuInstructionSet> Detected = new(Detect);

    /// <summary>The CPU's model name (<c>model name</c> in /proc/cpuinfo), or "unknown CPU".</summary>
    public string ModelName { get; init; } = "unknown CPU";

    public bool Avx2 { get; init; }

    /// <summary>AVX-512 Foundation.</summary>
    public bool Avx512 { get; init; }

    /// <summary>AVX-512 VNNI (<c>avx512_vnni</c>): 8-bit dot products on 512-bit vectors.</summary>
    public bool Avx512Vnni { get; init; }

    /// <summary>AVX-VNNI (<c>avx_vnni</c>): the same instructions on 256-bit vectors.</summary>
    public bool AvxVnni { get; init; }

    /// <summary>AMX with int8 tiles (<c>amx_int8</c>).</summary>
    public bool Amx { get; init; }

    /// <summary>The relevant flags found, in a fixed order (for the printed line).</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>True when int8 dot products have their own instructions (VNNI or AMX).</summary>
    public bool HasInt8DotProduct => Avx512Vnni || AvxVnni || Amx;

    /// <summary>The highest level: "AMX", "AVX-512 VNNI", "AVX-VNNI", "AVX-512", "AVX2" or "below AVX2".</summary>
    public string Level =>
        Amx ? "AMX" : Avx512Vnni ? "AVX-512 VNNI" : AvxVnni ? "AVX-VNNI" : Avx512 ? "AVX-512" : Avx2 ? "AVX2" : "below AVX2";

    /// <summary>This machine's instruction sets (read once).</summary>
    public static CpuInstructionSet Current => Detected.Value;

    private static readonly string[] Known = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16"];

    /// <summary>
    /// One line for benchmark output: the level, the flags behind it and the CPU, for example
    /// <c>AVX-512 VNNI (avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16; no AMX) on AMD EPYC, 2 logical CPUs</c>.
    /// </summary>
    public static string Describe() => Current.ToLine();

    /// <summary>The line <see cref="Describe"/> prints, for this instance.</summary>
    public string ToLine()
    {
        string missing = string.Join(", ", new[] { (Avx512Vnni || AvxVnni, "no VNNI"), (Amx, "no AMX") }.Where(m => !m.Item1).Select(m => m.Item2));
        string flags = Flags.Count == 0 ? "no AVX2/AVX-512 flags" : string.Join(' ', Flags);
        return $"{Level} ({flags}{(missing.Length == 0 ? "" : "; " + missing)}) on {ModelName}, {Environment.ProcessorCount} logical CPUs";
    }

    /// <summary>Reads the instruction sets from the text of <c>/proc/cpuinfo</c> (the first processor's <c>flags</c> and <c>model name</c>).</summary>
    public static CpuInstructionSet Parse(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        string? flagsLine = null, model = null;
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string key = line[..colon].Trim();
            if (flagsLine is null && key is "flags" or "Features")
            {
                flagsLine = line[(colon + 1)..];
            }
            else if (model is null && key == "model name")
            {
                model = line[(colon + 1)..].Trim();
            }
        }

        var flags = (flagsLine ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return new CpuInstructionSet
        {
            ModelName = string.IsNullOrEmpty(model) ? "unknown CPU" : model,
            Avx2 = flags.Contains("avx2"),
            Avx512 = flags.Contains("avx512f"),
            Avx512Vnni = flags.Contains("avx512_vnni"),
            AvxVnni = flags.Contains("avx_vnni"),
            Amx = flags.Contains("amx_int8"),
            Flags = Known.Where(flags.Contains).ToList(),
        };
    }

    private static CpuInstructionSet Detect()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                CpuInstructionSet parsed = Parse(File.ReadAllText("/proc/cpuinfo"));
                if (parsed.Flags.Count > 0 || !X86.X86Base.IsSupported)
                {
                    return parsed;
                }
            }
        }
        catch (IOException)
        {
            // fall through to the intrinsics
        }
        catch (UnauthorizedAccessException)
        {
        }

        var flags = new List<string>();
        void Add(bool supported, string flag)
        {
            if (supported)
            {
                flags.Add(flag);
            }
        }

        Add(X86.Avx2.IsSupported, "avx2");
        Add(X86.Fma.IsSupported, "fma");
        Add(X86.Avx512F.IsSupported, "avx512f");
        Add(X86.Avx512BW.IsSupported, "avx512bw");
        Add(X86.Avx512F.VL.IsSupported, "avx512vl");
        Add(X86.AvxVnni.IsSupported, "avx_vnni");
        return new CpuInstructionSet
        {
            ModelName = "unknown CPU (no /proc/cpuinfo; from .NET's intrinsics)",
            Avx2 = X86.Avx2.IsSupported,
            Avx512 = X86.Avx512F.IsSupported,
            AvxVnni = X86.AvxVnni.IsSupported,
            Flags = flags,
        };
    }
}
