using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Tests.Runtime;

public sealed class CpuInstructionSetTests
{
    private const string Zen4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9354\n" +
        "flags\t\t: fpu sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni avx512_vbmi2\n\nprocessor\t: 1\nflags\t\t: fpu\n";

    [Theory]
    [InlineData("flags : fpu sse4_2 avx fma avx2", "AVX2", false)]
    [InlineData("flags : fpu avx2 fma avx_vnni", "AVX-VNNI", true)]
    [InlineData("flags : avx2 fma avx512f avx512bw avx512vl", "AVX-512", false)]
    [InlineData("flags : avx2 avx512f avx512_vnni amx_tile amx_int8 amx_bf16", "AMX", true)]
    [InlineData("flags : fpu sse2", "below AVX2", false)]
    public void Parse_FlagsLine_HighestLevelAndWhetherInt8HasItsOwnInstructions(string line, string level, bool int8Dot)
    {
        CpuInstructionSet cpu = CpuInstructionSet.Parse(line + "\n");
        Assert.Equal(level, cpu.Level);
        Assert.Equal(int8Dot, cpu.HasInt8DotProduct);
    }

    [Fact]
    public void Parse_Zen4_FirstProcessorsFlagsModelNameAndTheLine()
    {
        CpuInstructionSet cpu = CpuInstructionSet.Parse(Zen4);
        Assert.Equal("AMD EPYC 9354", cpu.ModelName);
        Assert.True(cpu.Avx512Vnni);
        Assert.False(cpu.Amx);
        Assert.Equal(["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16"], cpu.Flags);
        Assert.StartsWith("AVX-512 VNNI (avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16; no AMX) on AMD EPYC 9354, ", cpu.ToLine());
    }

    [Fact]
    public void Describe_ThisMachine_NamesALevel()
    {
        Assert.Matches(@"^(AMX|AVX-512 VNNI|AVX-VNNI|AVX-512|AVX2|below AVX2) \(", CpuInstructionSet.Describe());
    }
}
