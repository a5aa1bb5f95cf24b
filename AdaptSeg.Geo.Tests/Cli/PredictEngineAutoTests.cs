using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Tests.Inference;
using AdaptSeg.Geo.Tests.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;
using Google.Protobuf;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class PredictEngineAutoTests
{
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    [Fact]
    public async Task Predict_DefaultEngineWithModelPth_ChoosesByMeasurementSaysWhyAndCachesBesideTheModel()
    {
        using var temp = new TempDirectory();
        string model = OnnxModelExportTests.SaveFormulaModel(temp.Path);

        var (code, output, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File("mask.tif"), "--checkpoint", model,
            "--device", "cpu", "--tile-size", "128");

        Assert.True(code == 0, error);
        Assert.Matches(@"engine        (torchsharp|onnxruntime) float32, \d+ thread\(s\): the faster float32 engine for this model on this CPU \(.+\): \d+ ms per tile against \d+ ms", output);
        Assert.Contains($"kept in '{EngineMeasurementCache.PathFor(model)}'", output);
        Assert.True(File.Exists(EngineMeasurementCache.PathFor(model)));
        Assert.True(File.Exists(temp.File("mask.tif")));

        (code, output, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File("mask2.tif"), "--checkpoint", model,
            "--device", "cpu", "--tile-size", "128");
        Assert.True(code == 0, error);
        Assert.Contains($"read from '{EngineMeasurementCache.PathFor(model)}'", output);
    }

    [Fact]
    public async Task Predict_QuantisedOnnx_AutoAndOnnxRuntimeBothRunItAsInt8AndSaySo()
    {
        using var temp = new TempDirectory();
        string onnx = temp.File("model-int8.onnx");
        File.WriteAllBytes(onnx, AutoEngineFactoryTests.FormulaOnnx(int8: true).ToByteArray());

        var (code, output, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File("auto.tif"), "--checkpoint", onnx, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("engine        onnxruntime int8", output);
        Assert.Contains("the model is quantised (int8 QDQ)", output);

        (code, output, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File("ort.tif"), "--checkpoint", onnx, "--device", "cpu", "--engine", "onnxruntime");
        Assert.True(code == 0, error);
        Assert.Contains("engine        onnxruntime int8", output);
        Assert.Contains("--engine onnxruntime", output);
        Assert.False(File.Exists(EngineMeasurementCache.PathFor(onnx)), "nothing is measured for a quantised model");
    }

    [Fact]
    public async Task Predict_EngineTorchSharp_NoMeasurementNoCache()
    {
        using var temp = new TempDirectory();
        string model = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        var (code, output, error) = await CliRunner.RunAsync("predict", "--input", Scene, "--output", temp.File("mask.tif"), "--checkpoint", model,
            "--device", "cpu", "--engine", "torchsharp", "--tile-size", "128");
        Assert.True(code == 0, error);
        Assert.Matches(@"engine        torchsharp float32, \d+ thread\(s\): --engine torchsharp", output);
        Assert.False(File.Exists(EngineMeasurementCache.PathFor(model)));
    }
}
