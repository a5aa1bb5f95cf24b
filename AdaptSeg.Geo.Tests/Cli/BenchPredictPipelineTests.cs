using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class BenchPredictPipelineTests
{
    [Fact]
    public async Task BenchPredict_LightNetwork_ReportsPipelineAndNetworkAloneOnTheSameTiles()
    {
        var (code, output, error) = await CliRunner.RunAsync("bench", "predict", "--size", "300", "--tile-size", "128", "--batch-size", "4",
            "--classes", "3", "--width", "16", "--blocks", "1,1,1,1", "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("tiles         16 of 128 px", output);
        Assert.Contains("network       blocks 1,1,1,1 width 16", output);
        Assert.Matches(@"network alone [0-9.eE+-]+ MPix/s wall-clock on the same 16 tiles", output);
        Assert.Matches(@"pipeline/network [0-9.]+ % of network-only throughput", output);
    }

    [Fact]
    public async Task BenchStitch_SmallRaster_ModelFreeThroughputAndStrictBlend()
    {
        var (code, output, error) = await CliRunner.RunAsync("bench", "stitch", "--size", "200", "--tile-size", "64", "--blend", "center-crop", "--classes", "4");
        Assert.True(code == 0, error);
        Assert.Contains("tiles         16 of 64 px, overlap 8, blend CenterCrop", output);
        Assert.Contains("network       none (model-free one-hot predictor)", output);
        Assert.Matches(@"throughput    [0-9.eE+-]+ MPix/s wall-clock", output);

        var (bad, _, badError) = await CliRunner.RunAsync("bench", "stitch", "--size", "64", "--blend", "gaussian");
        Assert.Equal(2, bad);
        Assert.Contains("gaussian", badError);
    }

    [Fact]
    public async Task BenchPredict_BadBlocks_Exit2NamingIt()
    {
        var (code, _, error) = await CliRunner.RunAsync("bench", "predict", "--size", "64", "--tile-size", "32", "--blocks", "1,x", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("--blocks", error);
    }
}
