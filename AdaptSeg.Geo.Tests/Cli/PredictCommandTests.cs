using System.CommandLine;
using System.Text.Json;
using AdaptSeg.Geo.Cli.Commands;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class PredictCommandTests
{
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Fact]
    public async Task Predict_WithoutCheckpoint_Exit2SayingItIsRequired()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("predict", "--input", Labels, "--output", temp.File("m.tif"));
        Assert.Equal(2, code);
        Assert.Contains("--checkpoint", error);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task Predict_CheckpointIsNotAModel_Exit2AndNothingWritten()
    {
        using var temp = new TempDirectory();
        string checkpoint = temp.File("model.pt");
        File.WriteAllText(checkpoint, "not a model");
        var (code, output, error) = await CliRunner.RunAsync("predict", "--input", Labels, "--output", temp.File("m.tif"), "--checkpoint", checkpoint);
        Assert.Equal(2, code);
        Assert.Contains("model.pt", error);
        Assert.Contains("error:", error);
        Assert.Equal("", output);
        Assert.Equal(["model.pt"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Predict_ModelFreePredictor_MaskScoresMIoU100InEvaluate()
    {
        using var temp = new TempDirectory();
        string mask = temp.File("mask.tif");
        var (code, output, error) = await RunPredict(
            "--input", Labels, "--output", mask, "--checkpoint", "labels-as-model", "--bands", "1",
            "--classes", "water,vegetation,other", "--tile-size", "300", "--overlap", "77", "--vectors", temp.File("classes.gpkg"), "--min-area", "4000");
        Assert.True(code == 0, error);
        Assert.Contains("mask.tif (875x1009", output);

        string json = temp.File("report.json");
        var (evalCode, table, evalError) = await CliRunner.RunAsync("evaluate", "--prediction", mask, "--reference", Labels, "--json", json);
        Assert.True(evalCode == 0, evalError);
        Assert.Contains("mIoU 100.00", table);
        Assert.Contains("vegetation", table); // names read back from the mask
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(100.0, report.RootElement.GetProperty("miou_percent").GetDouble());
        Assert.NotEmpty(ClassPolygonizer.Read(temp.File("classes.gpkg")));
    }

    [Fact]
    public async Task Predict_ModelFreePredictor_PrintsTheClassSharesOfTheMaskItWrote()
    {
        using var temp = new TempDirectory();
        string mask = temp.File("mask.tif");
        var (code, output, error) = await RunPredict(
            "--input", Labels, "--output", mask, "--checkpoint", "labels-as-model", "--bands", "1", "--classes", "water,vegetation,other", "--tile-size", "256");
        Assert.True(code == 0, error);

        // The labels predict themselves: the mask holds the labels' classes (6.9 % water, 52.3 % vegetation, 40.9 % other of the labelled pixels).
        byte[] written = TestRasters.ReadAll<byte>(mask);
        long classified = written.Count(v => v != 255);
        string Percent(int c) => (100.0 * written.Count(v => v == c) / classified).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"class shares  water {Percent(0)} %, vegetation {Percent(1)} %, other {Percent(2)} % of {classified} classified pixels", output);
        Assert.Contains("water 6.9 %, vegetation 52.3 %, other 40.9 %", output);
    }

    [Fact]
    public async Task Predict_OutputExists_Exit2UnlessOverwrite()
    {
        using var temp = new TempDirectory();
        string mask = temp.File("mask.tif");
        File.WriteAllText(mask, "keep me");
        var (code, _, error) = await RunPredict("--input", Labels, "--output", mask, "--checkpoint", "x", "--bands", "1", "--tile-size", "512");
        Assert.Equal(2, code);
        Assert.Contains("--overwrite", error);
        Assert.Equal("keep me", File.ReadAllText(mask));

        (code, _, error) = await RunPredict("--input", Labels, "--output", mask, "--checkpoint", "x", "--bands", "1", "--tile-size", "512", "--overwrite");
        Assert.True(code == 0, error);
        using var written = GdalDataset.Open(mask);
        Assert.Equal(875, written.Width);
    }

    [Theory]
    [InlineData("--blend", "gaussian", "--blend 'gaussian'")]
    [InlineData("--overlap", "600", "--overlap 600")]
    [InlineData("--bands", "1,x", "'x' is not a band number")]
    [InlineData("--bands", "1,2", "band list")]
    [InlineData("--compression", "LZMA", "DEFLATE or ZSTD")]
    public async Task Predict_BadOption_Exit2NamingIt(string option, string value, string expected)
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await RunPredict("--input", Labels, "--output", temp.File("m.tif"), "--checkpoint", "x", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task Predict_CtrlCDuringPrediction_Exit130AndNoOutputLeft()
    {
        using var temp = new TempDirectory();
        using var ctrlC = new CancellationTokenSource();
        var root = new RootCommand { PredictCommand.Create(new CancelsAfterFirstBatch(ctrlC)) };
        ParseResult parse = root.Parse(["predict", "--input", Labels, "--output", temp.File("mask.tif"), "--checkpoint", "x",
            "--tile-size", "64", "--probabilities", temp.File("p.tif"), "--vectors", temp.File("v.gpkg")]);
        using var error = new StringWriter();

        int code = await parse.InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = error }, ctrlC.Token);

        Assert.Equal(130, code);
        Assert.Contains("cancelled", error.ToString());
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task Predict_Help_ExplainsOptions()
    {
        var (code, output, _) = await CliRunner.RunAsync("predict", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--tile-size", output);
        Assert.Contains("--checkpoint", output);
        Assert.Contains("hann", output);
    }

    private static async Task<(int Code, string Output, string Error)> RunPredict(params string[] args)
    {
        var root = new RootCommand { PredictCommand.Create(new LabelsAsModel()) };
        ParseResult parse = root.Parse(["predict", .. args]);
        using var output = new StringWriter();
        using var error = new StringWriter();
        if (parse.Errors.Count > 0)
        {
            return (2, "", string.Join("\n", parse.Errors.Select(e => e.Message)));
        }

        int code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Its predictor presses Ctrl+C (cancels the invocation) during its first batch.</summary>
    private sealed class CancelsAfterFirstBatch(CancellationTokenSource ctrlC) : ITilePredictorFactory, ITilePredictor
    {
        private readonly OneHotBandPredictor inner = new(3);

        public int ClassCount => inner.ClassCount;

        public int BandCount => inner.BandCount;

        public ITilePredictor Create(string checkpointPath, string device) => this;

        public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
        {
            inner.Predict(input, batch, height, width, probabilities);
            ctrlC.Cancel();
        }
    }

    /// <summary>The model-free factory: its "model" answers the label carried by band 1.</summary>
    private sealed class LabelsAsModel : ITilePredictorFactory
    {
        public ITilePredictor Create(string checkpointPath, string device) => new OneHotBandPredictor(3);
    }
}
