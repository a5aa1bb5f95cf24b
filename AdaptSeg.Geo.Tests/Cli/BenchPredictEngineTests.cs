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
    public async Task BenchPredict_UnknownEngine_Exit2ListingEngines()
    {
        var (code, _, error) = await CliRunner.RunAsync("bench", "predict", "--engine", "tensorrt", "--size", "64");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("torchsharp, onnxruntime or both", error);
    }
}
