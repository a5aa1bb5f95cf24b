using AdaptSeg.Geo.Tests.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>Verbs other than <c>model info</c> refuse a hostile checkpoint with exit 2, and the limits variable reaches the reader.</summary>
[Collection(GdalSerialCollection.Name)]
public sealed class CheckpointVerbsTests
{
    [Fact]
    public async Task Predict_BillionLaughsCheckpoint_Exit2NamingItAndNothingWritten()
    {
        using var temp = new TempDirectory();
        string checkpoint = temp.File("laughs.pth");
        HostileCheckpoints.All[0].Write(checkpoint);
        byte[] before = File.ReadAllBytes(checkpoint);

        var (code, _, error) = await CliRunner.RunAsync(
            "predict", "--input", TestPaths.SampleData("cbers_rgb342_crop1_labels.tif"), "--output", temp.File("m.tif"), "--checkpoint", checkpoint);

        Assert.Equal(2, code);
        Assert.Contains(checkpoint, error, StringComparison.Ordinal);
        Assert.Contains("objects=", error, StringComparison.Ordinal);
        Assert.Equal(["laughs.pth"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public async Task EvaluateCityscapes_ZeroStrideCheckpoint_Exit2NamingIt()
    {
        using var temp = new TempDirectory();
        CityscapesDatasetTests.WritePair(temp.File("cs"), "val", "c/c_1", 4, 2);
        string checkpoint = temp.File("expand.pth");
        HostileCheckpoints.All[5].Write(checkpoint);

        var (code, _, error) = await CliRunner.RunAsync("evaluate-cityscapes", "--checkpoint", checkpoint, "--cityscapes", temp.File("cs"), "--depth", "50", "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains(checkpoint, error, StringComparison.Ordinal);
        Assert.Contains("zero stride", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelInfo_LimitsFromTheEnvironment_LowerRefusesAndMalformedIsExit2()
    {
        string fixture = TestPaths.Fixture("deeplab_init_partial_scale_prefix_legacy.pth");

        ChildReader.Result low = ChildReader.ModelInfo(fixture, "objects=100");
        ChildReader.Result bad = ChildReader.ModelInfo(fixture, "objects=many");

        Assert.Equal(2, low.ExitCode);
        Assert.Contains("ADAPTSEG_CHECKPOINT_LIMITS=\"objects=<more than 100>\"", low.Error, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("ADAPTSEG_CHECKPOINT_LIMITS='objects=many'", bad.Error, StringComparison.Ordinal);
    }
}
