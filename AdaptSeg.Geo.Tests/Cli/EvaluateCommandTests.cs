using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

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
    public async Task Evaluate_Plot_WritesTheReportAsPng()
    {
        using var temp = new TempDirectory();
        string png = temp.File("report.png");
        var (code, output, error) = await CliRunner.RunAsync("evaluate", "--prediction", Labels, "--reference", Labels, "--classes", "water,vegetation,other", "--plot", png);
        Assert.True(code == 0, error);
        Assert.Contains($"plot written to {png}", output);
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(png);
        Assert.Equal(2 * AdaptSeg.Geo.Visualisation.EvaluationPlot.PanelWidth, image.Width);
        Assert.Equal(["report.png"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Evaluate_PlotInMissingFolder_Exit2BeforeEvaluating()
    {
        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", Labels, "--reference", Labels, "--classes", "water,vegetation,other", "--plot", "/nonexistent-adaptseg/report.png");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent-adaptseg", error);
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
