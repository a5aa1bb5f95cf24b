using System.Text.RegularExpressions;
using AdaptSeg.Geo.Cli;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task Forward_SmallResNet50_ReportsTimePerImageAndPeakMemory()
    {
        var (code, output, error) = await CliRunner.RunAsync("bench", "forward", "--depth", "50", "--size", "32", "--classes", "2", "--iterations", "2", "--warmup", "0");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("ResNet-50", output);
        Assert.Contains("input 1x3x32x32 float32 on cpu", output);
        Assert.Matches(new Regex(@"forward \(eval, no grad\): \d+\.\d ms per image mean"), output);
        Assert.Matches(new Regex(@"peak memory \(process peak working set, VmHWM\): [1-9]\d* MiB"), output);
        Assert.Contains("iteration 2/2", error);
    }

    [Fact]
    public async Task Train_TorchvisionBackboneAtOutputStride16_TimesAnIterationOfThatNetwork()
    {
        var (code, output, error) = await CliRunner.RunAsync("bench", "train", "--preset", "landcover", "--scale", "0.125", "--depth", "50", "--width", "8",
            "--backbone", "torchvision-resnet", "--output-stride", "16", "--trainable-batch-norm", "--iterations", "1", "--warmup", "0", "--device", "cpu");

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("adversarial iteration: landcover, ResNet-50: torchvision ResNet (output stride 16) blocks [3,4,6,3] width 8, trainable batch norm, 6 classes, 3 bands, batch 4, source 64x64", output);
    }

    [Fact]
    public async Task Train_LoveDaPresetFile_TimesThatExperimentsStepOnSyntheticTensors()
    {
        string preset = Path.Combine(TestPaths.RepoRoot, "sample-configs", "loveda-rural-to-urban.json");

        var (code, output, error) = await CliRunner.RunAsync("bench", "train", "--config", preset, "--scale", "0.0625", "--iterations", "1", "--warmup", "0", "--device", "cpu");

        Assert.True(code == ExitCodes.Success, error);
        // The preset's network, classes, batch (8 + 8), clipping and 512-px crops (scaled to 32 px); its data and init file are not read.
        Assert.Contains("loveda-rural-to-urban.json: torchvision ResNet (output stride 16) blocks [3,4,6,3] width 64, trainable batch norm, four ASPP branches, 7 classes, 3 bands, batch 8, source 32x32", output);
        Assert.Contains("adversarial, clipping 35", output);
        Assert.Matches(new Regex(@"train: \d+\.\d ms per iteration"), output);
    }

    [Fact]
    public async Task Train_OutputStride16OnTheDeepLabBackbone_ExitsBadInputNamingTheFix()
    {
        var (code, _, error) = await CliRunner.RunAsync("bench", "train", "--output-stride", "16");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--output-stride 16 is not available: use 8, or 16 with --backbone torchvision-resnet", error);
    }

    [Fact]
    public async Task Forward_UnsupportedDepth_ExitsBadInputListingDepths()
    {
        var (code, _, error) = await CliRunner.RunAsync("bench", "forward", "--depth", "34");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--depth 34 is not supported; use 101 (the reference), 50 or 152", error);
    }

    [Fact]
    public async Task Forward_UnknownDtype_ExitsBadInputListingTypes()
    {
        var (code, _, error) = await CliRunner.RunAsync("bench", "forward", "--dtype", "int8");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("float32, float64, bfloat16 or float16", error);
    }
}
