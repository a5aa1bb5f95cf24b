using AdaptSeg.Geo.Cli;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

public sealed class DoctorCommandTests
{
    [Fact]
    public async Task Doctor_OnThisMachine_ReportsVersionsAndExitsZero()
    {
        var (code, output, _) = await CliRunner.RunAsync("doctor", "--device", "cpu");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("TorchSharp    0.107", output);
        Assert.Matches(@"GDAL\s+3\.", output);
        Assert.Contains("driver GTiff    present", output);
        Assert.Contains("status        usable", output);
    }

    [NoCudaFact]
    public async Task Doctor_CudaAskedWithoutGpu_ExitsTwoWithFix()
    {
        var (code, _, error) = await CliRunner.RunAsync("doctor", "--device", "cuda");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("CUDA was asked for but is not available", error);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwo()
    {
        var (code, _, error) = await CliRunner.RunAsync("doctor", "--devcie", "cpu");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--devcie", error);
    }
}
