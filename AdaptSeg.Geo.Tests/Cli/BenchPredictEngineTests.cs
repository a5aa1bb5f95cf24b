using AdaptSeg.Geo.Cli;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class BenchPredictEngineTests
{
    [Fact]
    public async Task BenchPredict_EngineBoth_TimesBothOnTheSameTilesAndPrintsTheRatio()
    {
        var (code, output, error) = await CliRunner.RunAsync("bench", "predict", "--engine", "both", "--size", "200", "--depth", "50", "--width", "8",
            "--tile-size", "96", "--classes", "3", "--bands", "3", "--batch-size", "2", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("engine        torchsharp", output);
        Assert.Contains("engine        onnxruntime", output);
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("tiles         16 of 96 px", StringComparison.Ordinal)));
        Assert.Matches(@"compare       onnxruntime / torchsharp: wall \d+\.\d\dx .* CPU \d+\.\d\dx", output);
    }

    [Fact]
    public async Task BenchPredict_EngineAll_ThreeEnginesWithThreadsIsaRatiosAndMaskAgreement()
    {
        var (code, output, error) = await CliRunner.RunAsync("bench", "predict", "--engine", "all", "--size", "160", "--blocks", "1,1,1,1", "--width", "8",
            "--tile-size", "64", "--classes", "3", "--bands", "3", "--batch-size", "2", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Matches(@"CPU ISA       (AMX|AVX-512 VNNI|AVX-VNNI|AVX-512|AVX2|below AVX2) \(", output);
        foreach (string engine in new[] { "torchsharp", "onnxruntime", "int8" })
        {
            Assert.Contains($"engine        {engine}\n", output.Replace("\r", ""));
        }

        Assert.Matches(@"threads       torchsharp: TorchSharp intra-op \d+", output);
        Assert.Matches(@"threads       int8: ONNX Runtime intra-op \d+", output);
        Assert.Matches(@"compare       int8 / torchsharp: wall \d+\.\d\dx .* CPU \d+\.\d\dx", output);
        Assert.Matches(@"agreement     int8 vs onnxruntime: \d+\.\d\d % of 25600 pixels", output);
        Assert.Matches(@"agreement     onnxruntime vs torchsharp: (99\.[5-9]\d|100\.00) %", output);
        Assert.Contains("ratios depend on the CPU's instruction sets", output);
    }

    [Fact]
    public async Task BenchPredict_UnknownEngine_Exit2ListingEngines()
    {
        var (code, _, error) = await CliRunner.RunAsync("bench", "predict", "--engine", "tensorrt", "--size", "64");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("torchsharp, onnxruntime, int8, both, all", error);
    }
}
