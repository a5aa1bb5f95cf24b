using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

public sealed class DeepLabOnnxExporterTests
{
    /// <summary>A light network with the formula weights (non-trivial batch norms to fold).</summary>
    internal static DeepLabMulti FormulaNetwork(int classes = 3, int bands = 3, bool allBranches = false, DeepLabOptions? options = null)
    {
        var network = new DeepLabMulti(classes, bands, [1, 1, 1, 1], (options ?? new DeepLabOptions()) with { Width = 8, AsppAllBranches = allBranches });
        FormulaWeights.Apply(network);
        using (no_grad())
        {
            // Sharper heads than the formula's and no head bias, so the image decides the class
            // and the classes' probabilities differ clearly.
            foreach (var (name, parameter) in network.named_parameters().Where(p => p.name.StartsWith("layer5.", StringComparison.Ordinal) || p.name.StartsWith("layer6.", StringComparison.Ordinal)))
            {
                if (name.EndsWith("bias", StringComparison.Ordinal))
                {
                    parameter.zero_();
                }
                else
                {
                    parameter.mul_(60);
                }
            }
        }

        network.eval();
        return network;
    }

    internal static float[] FormulaTiles(int batch, int bands, int height, int width)
    {
        using Tensor t = FormulaWeights.Input([batch, bands, height, width], 0.3).mul(40).add(100).to(ScalarType.Float32);
        return t.data<float>().ToArray();
    }

    [Theory]
    [InlineData(BackboneKind.DeepLabV2ResNet, 8, false, 77, 96)]
    [InlineData(BackboneKind.DeepLabV2ResNet, 8, true, 64, 51)]
    [InlineData(BackboneKind.TorchvisionResNet, 8, false, 77, 96)]
    [InlineData(BackboneKind.TorchvisionResNet, 16, true, 61, 50)]
    public void Build_FormulaNetwork_OrtProbabilitiesEqualTorchSharpWithin1e4(BackboneKind backbone, int outputStride, bool allBranches, int height, int width)
    {
        using var network = FormulaNetwork(allBranches: allBranches, options: new DeepLabOptions { Backbone = backbone, OutputStride = outputStride });
        var statistics = new BandStatistics([100, 90, 110], [40, 35, 45]);
        using var torchPredictor = new NetworkTilePredictor(network, statistics, CPU);
        using var onnxPredictor = OnnxTilePredictor.FromNetwork(network, statistics);
        float[] input = FormulaTiles(2, 3, height, width);
        input[5] = float.NaN; // nodata: both give it the band mean
        var expected = new float[2 * 3 * height * width];
        var actual = new float[expected.Length];
        torchPredictor.Predict(input, 2, height, width, expected);
        onnxPredictor.Predict(input, 2, height, width, actual);

        double maxDiff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4, $"max |ORT - TorchSharp| = {maxDiff:E2}");
        Assert.Equal(Argmax(expected, 2, 3, height * width), Argmax(actual, 2, 3, height * width));
        Assert.All(actual, p => Assert.InRange(p, 0f, 1f));
        // Not a uniform output: the classes really differ, so agreement means something.
        Assert.True(expected.Max() - expected.Min() > 0.05, $"probabilities span only {expected.Min()}..{expected.Max()}");
    }

    [Fact]
    public void Build_TorchvisionBackbone_FloorModePoolAndTheStrideOnThe3x3()
    {
        using var network = FormulaNetwork(options: new DeepLabOptions { Backbone = BackboneKind.TorchvisionResNet, OutputStride = 16 });

        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions());

        Assert.Equal(0, Assert.Single(model.Graph.Node, n => n.OpType == "MaxPool").Attribute.Single(a => a.Name == "ceil_mode").I);
        long Stride(string weight) => model.Graph.Node.Single(n => n.OpType == "Conv" && n.Input[1] == weight).Attribute.Single(a => a.Name == "strides").Ints[0];
        Assert.Equal(1, Stride("layer2.0.conv1.weight"));
        Assert.Equal(2, Stride("layer2.0.conv2.weight"));
        Assert.Equal(2, Stride("layer3.0.conv2.weight")); // output stride 16: layer3 keeps its stride
        Assert.Equal(1, Stride("layer4.0.conv2.weight"));
    }

    internal static int[] Argmax(float[] probabilities, int batch, int classes, int plane)
    {
        var result = new int[batch * plane];
        for (int b = 0; b < batch; b++)
        {
            for (int p = 0; p < plane; p++)
            {
                int best = 0;
                for (int c = 1; c < classes; c++)
                {
                    if (probabilities[((b * classes) + c) * plane + p] > probabilities[((b * classes) + best) * plane + p])
                    {
                        best = c;
                    }
                }

                result[(b * plane) + p] = best;
            }
        }

        return result;
    }

    [Fact]
    public void Build_BothHeads_AuxOutputIsTheUpsampledSoftmaxOfLayer5()
    {
        using var network = FormulaNetwork();
        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions { Heads = OnnxHeads.Both });
        Assert.Equal(["main", "aux"], model.Graph.Output.Select(o => o.Name));

        float[] input = FormulaTiles(1, 3, 40, 40);
        using var x = tensor(input, [1, 3, 40, 40]);
        Tensor expectedAux;
        using (no_grad())
        {
            var (aux, main) = network.call(x);
            expectedAux = nn.functional.softmax(nn.functional.interpolate(aux, size: [40, 40], mode: InterpolationMode.Bilinear, align_corners: true), 1);
            main.Dispose();
            aux.Dispose();
        }

        using var session = new InferenceSession(model.ToByteArray());
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 40, 40]);
        using var run = new RunOptions();
        using var outputs = session.Run(run, ["input"], [value], ["aux"]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] expected = expectedAux.data<float>().ToArray();
        expectedAux.Dispose();
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-4);
    }

    [Fact]
    public void Build_Model_IrVersion8Opset17FoldedBatchNormAndCeilModePool()
    {
        using var network = FormulaNetwork();
        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions());
        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
        var ops = model.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.DoesNotContain("BatchNormalization", ops);
        Assert.Contains("Resize", ops);
        var pool = Assert.Single(model.Graph.Node, n => n.OpType == "MaxPool");
        Assert.Equal(1, pool.Attribute.Single(a => a.Name == "ceil_mode").I);
        var resize = Assert.Single(model.Graph.Node, n => n.OpType == "Resize");
        Assert.Equal("align_corners", resize.Attribute.Single(a => a.Name == "coordinate_transformation_mode").S.ToStringUtf8());
        // Two ASPP branches per the reference: only conv2d_list.0 and .1 of layer6 are in the graph.
        Assert.Contains(model.Graph.Initializer, t => t.Name == "layer6.conv2d_list.1.weight");
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "layer6.conv2d_list.2.weight");
    }

    [CpuOnlyOnnxRuntimeFact]
    public void OnnxTilePredictor_CudaInTheCpuBuild_RefusedWithTheBuildSwitch()
    {
        using var network = FormulaNetwork();
        var e = Assert.Throws<AdaptSeg.Geo.Runtime.DeviceUnavailableException>(() =>
            OnnxTilePredictor.FromNetwork(network, new BandStatistics([1, 2, 3], [1, 1, 1]), device: "cuda"));
        Assert.Contains("-p:OnnxRuntimeBackend=gpu", e.Message);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    public void Build_OpsetOutOfRange_ErrorSaysTheRange(int opset)
    {
        using var network = FormulaNetwork();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DeepLabOnnxExporter.Build(network, new OnnxExportOptions { Opset = opset }));
        Assert.Contains("13 to 17", e.Message);
    }

    [PythonOnnxFact]
    public void Export_OnnxCheckerOfPython3Onnx_AcceptsTheFileWithFullCheck()
    {
        using var temp = new TempDirectory();
        using var network = FormulaNetwork(allBranches: true);
        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions
        {
            Heads = OnnxHeads.Both,
            InputSize = 96,
            Metadata = DeepnessMetadata.Build(["water", "vegetation", "other"], new BandStatistics([1, 2, 3], [4, 5, 6]), "target", 512, 50),
        });
        string path = temp.File("model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var (code, output) = PythonOnnxFactAttribute.Run(
            "import sys, onnx; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); " +
            "print(m.ir_version, m.opset_import[0].version, [o.name for o in m.graph.output])", path);
        Assert.True(code == 0, output);
        Assert.Contains("8 17 ['main', 'aux']", output);
    }
}
