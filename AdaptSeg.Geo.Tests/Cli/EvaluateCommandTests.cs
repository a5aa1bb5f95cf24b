using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class EvaluateCommandTests
{
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Fact]
    public async Task Evaluate_SameRaster_PrintsTableWithMIoU100()
    {
        var (code, output, error) = await CliRunner.RunAsync("evaluate", "--prediction", Labels, "--reference", Labels, "--classes", "water,vegetation,other");
        Assert.True(code == 0, error);
        Assert.Contains("mIoU 100.00", output);
        Assert.Contains("confusion matrix", output);
    }

    [Fact]
    public async Task Evaluate_MissingReference_Exit2NamingFile()
    {
        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", Labels, "--reference", "/nonexistent/ref.tif", "--classes", "a,b,c");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/ref.tif", error);
    }

    [Fact]
    public async Task Evaluate_TooFewClasses_Exit2ListingValuesFound()
    {
        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", Labels, "--reference", Labels, "--classes", "water,vegetation");
        Assert.Equal(2, code);
        Assert.Contains("2 (", error);
    }

    [Fact]
    public async Task Evaluate_Help_Explains()
    {
        var (code, output, _) = await CliRunner.RunAsync("evaluate", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--reference", output);
        Assert.Contains("mIoU", output);
    }
}
