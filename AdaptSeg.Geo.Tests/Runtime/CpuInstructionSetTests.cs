using System.Runtime.InteropServices;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Tests.Runtime;

public sealed class CpuInstructionSetTests
{
    private const string Zen2 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B12\n" +
        "flags\t\t: fpu vme de pse tsc msr sse sse2 ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand bmi1 avx2 smep bmi2\n" +
        "bugs\t\t: sysret_ss_attrs\n\nprocessor\t: 1\nflags\t\t: fpu avx512f avx512_vnni amx_tile\n";

    [Theory]
    [InlineData("fpu sse sse2 avx avx2 avx512f avx512dq avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8", "AMX")]
    [InlineData("fpu sse sse2 avx avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni", "AVX-512 VNNI")]
    [InlineData("fpu sse sse2 avx avx2 avx512f avx512dq avx512bw avx512vl", "AVX-512")]
    [InlineData("fpu sse sse2 avx avx2 fma", "AVX2")]
    [InlineData("fpu sse sse2 avx", "AVX")]
    [InlineData("fpu sse sse2 sse4_2", "SSE")]
    public void FromCpuInfo_X64Flags_TheWidestInstructionSet(string flags, string expected)
    {
        Assert.Equal(expected, CpuInstructionSet.FromCpuInfo($"processor\t: 0\nflags\t\t: {flags}\n", Architecture.X64));
    }

    [Fact]
    public void FromCpuInfo_SeveralProcessors_TheFirstProcessorsFlagsOnly()
    {
        // "avx2" as a whole word; "avx512f" of the second processor is not read.
        Assert.Equal("AVX2", CpuInstructionSet.FromCpuInfo(Zen2, Architecture.X64));
    }

    [Theory]
    [InlineData("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid sve", "SVE")]
    [InlineData("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32", "NEON")]
    public void FromCpuInfo_ArmFeatures_SveOrNeon(string features, string expected)
    {
        Assert.Equal(expected, CpuInstructionSet.FromCpuInfo($"processor\t: 0\n{features}\nCPU implementer\t: 0x41\n", Architecture.Arm64));
    }

    [Fact]
    public void Describe_ThisMachine_NamesAnInstructionSet()
    {
        string described = CpuInstructionSet.Describe();
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64 && File.Exists("/proc/cpuinfo"))
        {
            Assert.Contains(described, new[] { "AMX", "AVX-512 VNNI", "AVX-512", "AVX2", "AVX", "SSE" });
            string flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal));
            Assert.Equal(flags.Split(' ').Contains("avx2"), described is not ("AVX" or "SSE"));
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(described));
        }
    }
}
