using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;
using Xunit.Abstractions;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class ExportCommandTests(ITestOutputHelper log)
{
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    [Fact]
    public async Task ExportOnnx_Model_WritesFileAndPrintsIrOpsetAndMetadata()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        var (code, output, error) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", checkpoint, "--output", temp.File("model.onnx"), "--heads", "both", "--opset", "15");
        log.WriteLine(output);
        Assert.True(code == 0, error);
        Assert.Contains("IR 8, opset 15, outputs main, aux", output);
        Assert.Contains("metadata  model_type = \"Segmentor\"", output);
        Assert.Contains("resolution not written", output);
        Assert.True(new FileInfo(temp.File("model.onnx")).Length > 10_000);
    }

    [Fact]
    public async Task PredictEngineOnnxRuntime_OnnxForOtherTileSize_Exit2SayingWhichTileSizeAndNothingWritten()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        string onnx = temp.File("model.onnx");
        var (exportCode, _, exportError) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", checkpoint, "--output", onnx, "--tile-size", "512");
        Assert.True(exportCode == 0, exportError);
        var (code, _, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File("m.tif"), "--checkpoint", onnx,
            "--engine", "onnxruntime", "--device", "cpu", "--tile-size", "256");
        Assert.Equal(2, code);
        Assert.Contains("--tile-size 512", error);
        Assert.False(File.Exists(temp.File("m.tif")));
        Assert.Equal(["model.onnx", "model.pth", "model.stac.json"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("--heads", "all", "--heads 'all'")]
    [InlineData("--opset", "11", "13 to 17")]
    public async Task ExportOnnx_BadOption_Exit2AndNothingWritten(string option, string value, string message)
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        var (code, _, error) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", checkpoint, "--output", temp.File("model.onnx"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.False(File.Exists(temp.File("model.onnx")));
    }

    [Fact]
    public async Task ExportOnnx_CheckpointMissing_Exit2NamingIt()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", temp.File("nope.pth"), "--output", temp.File("model.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("nope.pth", error);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    /// <summary>
    /// The sample scene through the whole predict pipeline (tiling, Hann blending, nodata, writers)
    /// with TorchSharp, with ONNX Runtime on the model.pth (exported in memory) and on the exported
    /// .onnx: the float32 probability rasters agree to 1e-4 and the masks to the pixel. Both backbones:
    /// the model file records which, and both engines rebuild it.
    /// </summary>
    [Theory]
    [InlineData(BackboneKind.DeepLabV2ResNet, 8)]
    [InlineData(BackboneKind.TorchvisionResNet, 16)]
    public async Task PredictEngineOnnxRuntime_SampleScene_ProbabilitiesEqualTorchSharpWithin1e4(BackboneKind backbone, int outputStride)
    {
        using var temp = new TempDirectory();
        // The scene's own band statistics (as prepare would compute them), so the classes vary over it.
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path, new BandStatistics([42.26, 154.54, 76.70], [7.07, 38.28, 11.17]),
            options: new DeepLabOptions { Backbone = backbone, OutputStride = outputStride });
        string onnx = temp.File("model.onnx");
        var (exportCode, _, exportError) = await CliRunner.RunAsync("export", "onnx", "--checkpoint", checkpoint, "--output", onnx, "--tile-size", "256");
        Assert.True(exportCode == 0, exportError);

        foreach (var (name, engine, model) in new[] { ("torch", "torchsharp", checkpoint), ("ortpth", "onnxruntime", checkpoint), ("ortonnx", "onnxruntime", onnx) })
        {
            var (code, _, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File($"{name}.tif"), "--checkpoint", model,
                "--engine", engine, "--device", "cpu", "--tile-size", "256", "--probabilities", temp.File($"{name}-p.tif"), "--probability-format", "float32");
            Assert.True(code == 0, $"{engine} {model}: {error}");
        }

        float[] torch = ReadAll(temp.File("torch-p.tif"), out int width, out int height, out int classes);
        byte[] torchMask = ReadMask(temp.File("torch.tif"));
        foreach (string name in new[] { "ortpth", "ortonnx" })
        {
            float[] ort = ReadAll(temp.File($"{name}-p.tif"), out _, out _, out _);
            double maxDiff = 0;
            long compared = 0;
            for (int i = 0; i < torch.Length; i++)
            {
                Assert.Equal(float.IsNaN(torch[i]), float.IsNaN(ort[i]));
                if (!float.IsNaN(torch[i]))
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(torch[i] - ort[i]));
                    compared++;
                }
            }

            byte[] mask = ReadMask(temp.File($"{name}.tif"));
            long agree = mask.Zip(torchMask, (a, b) => a == b).LongCount(x => x);
            log.WriteLine($"{name}: {width}x{height}x{classes} probabilities, {compared} values, max |ORT - TorchSharp| = {maxDiff:E2}; masks agree on {agree}/{mask.Length} pixels");
            Assert.True(compared > width * height, "the scene has valid pixels");
            Assert.True(maxDiff <= 1e-4, $"{name}: max |ORT - TorchSharp| = {maxDiff:E2}");
            Assert.True(agree >= mask.Length - (mask.Length / 10_000), $"{name}: masks agree on {agree}/{mask.Length} pixels");
        }

        // The model really separates the classes on this scene (not one class everywhere).
        var counts = torchMask.GroupBy(v => v).ToDictionary(g => g.Key, g => g.LongCount());
        log.WriteLine($"mask classes: {string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}");
        Assert.True(counts.Count(kv => kv.Key != 255 && kv.Value > torchMask.Length / 100) >= 2, "at least two classes cover 1 % of the scene each");
    }

    private static float[] ReadAll(string path, out int width, out int height, out int bands)
    {
        using var ds = GdalDataset.Open(path);
        (width, height, bands) = (ds.Width, ds.Height, ds.BandCount);
        var values = new float[(long)width * height * bands];
        for (int b = 1; b <= bands; b++)
        {
            ds.Read<float>(b, new PixelWindow(0, 0, width, height), values.AsSpan((b - 1) * width * height, width * height));
        }

        return values;
    }

    private static byte[] ReadMask(string path)
    {
        using var ds = GdalDataset.Open(path);
        var values = new byte[ds.Width * ds.Height];
        ds.Read<byte>(1, new PixelWindow(0, 0, ds.Width, ds.Height), values);
        return values;
    }
}
