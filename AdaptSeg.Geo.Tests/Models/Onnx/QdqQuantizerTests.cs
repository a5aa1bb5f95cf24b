using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;
using Google.Protobuf;
using Onnx;
using Xunit.Abstractions;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

public sealed class QdqQuantizerTests(ITestOutputHelper log)
{
    private static readonly BandStatistics Statistics = new([100, 90, 110], [40, 35, 45]);

    /// <summary>The formula network's float graph and its int8 graph calibrated (min-max) on formula tiles.</summary>
    private static (ModelProto Float, ModelProto Int8, OnnxQuantizationSummary Summary) Quantized(
        CalibrationMethod method = CalibrationMethod.MinMax, bool allBranches = false, double maximumCancellation = double.PositiveInfinity)
    {
        using var network = DeepLabOnnxExporterTests.FormulaNetwork(allBranches: allBranches);
        ModelProto floatModel = DeepLabOnnxExporter.Build(network, new OnnxExportOptions());
        var tiles = new List<float[]>();
        float[] raw = DeepLabOnnxExporterTests.FormulaTiles(4, 3, 64, 64);
        float[] mean = Statistics.Mean.Select(m => (float)m).ToArray();
        float[] std = Statistics.Std.Select(s => (float)s).ToArray();
        for (int t = 0; t < 4; t++)
        {
            var tile = new float[3 * 64 * 64];
            OnnxInputNormalisation.Apply(raw.AsSpan(t * tile.Length, tile.Length), 1, 64 * 64, mean, std, tile);
            tiles.Add(tile);
        }

        var set = new CalibrationSet(tiles, 3, 64, ["formula"], 4);
        var (model, summary) = OnnxModelExport.QuantizeInt8(floatModel, set, new CalibrationOptions { Method = method, MaximumCancellation = maximumCancellation });
        return (floatModel, model, summary);
    }

    [Fact]
    public void Plan_DeepLabGraph_QuantisesEveryConvolutionButTheClassifiers()
    {
        using var network = DeepLabOnnxExporterTests.FormulaNetwork(allBranches: true);
        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions());
        QdqPlan plan = QdqQuantizer.Plan(model);

        var convs = model.Graph.Node.Where(n => n.OpType == "Conv").ToList();
        var classifiers = convs.Where(c => c.Input[1].StartsWith("layer6.", StringComparison.Ordinal)).Select(c => c.Output[0]).ToHashSet();
        Assert.Equal(4, classifiers.Count); // the four ASPP branches stay float
        Assert.Equal(convs.Select(c => c.Output[0]).Where(o => !classifiers.Contains(o)), plan.Convolutions);
        Assert.Contains("input", plan.Tensors);
        // The stem's max-pool output shares its input's parameters (ORT then pools uint8 codes).
        NodeProto pool = Assert.Single(model.Graph.Node, n => n.OpType == "MaxPool");
        Assert.Equal(pool.Input[0], plan.SharedParameters[pool.Output[0]]);
        Assert.DoesNotContain(pool.Output[0], plan.CalibratedTensors);
    }

    [Fact]
    public void WithoutCancellingAdds_LastBlocksBranchesCancel_ItsConvolutionsAndAddStayFloatAndTheRestIsKept()
    {
        using var network = DeepLabOnnxExporterTests.FormulaNetwork();
        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions());
        QdqPlan plan = QdqQuantizer.Plan(model);
        NodeProto[] adds = [.. model.Graph.Node.Where(n => n.OpType == "Add" && n.Input.All(plan.Tensors.Contains))];
        Assert.Equal(4, adds.Length); // one residual addition per block
        NodeProto last = adds[^1];
        string lastOutput = model.Graph.Node.Single(n => n.OpType == "Relu" && n.Input[0] == last.Output[0]).Output[0];
        // Every tensor spans 10, but the last block's two branches span 100 each and their sum 20: a factor 5.
        var ranges = plan.CalibratedTensors.ToDictionary(t => t, t => last.Input.Contains(t) ? new ActivationRange(-50, 50) : t == lastOutput ? new ActivationRange(0, 20) : new ActivationRange(-5, 5));

        QdqPlan refined = QdqQuantizer.WithoutCancellingAdds(model, plan, ranges, maximumCancellation: 4);

        var branchConvs = model.Graph.Node.Where(n => n.OpType == "Conv" && last.Input.Contains(n.Output[0])).Select(n => n.Output[0]).ToList();
        Assert.Equal(2, branchConvs.Count); // conv3 and the projection shortcut
        Assert.Equal(plan.Convolutions.Except(branchConvs), refined.Convolutions);
        Assert.DoesNotContain(last.Input[0], refined.Tensors);
        Assert.DoesNotContain(last.Input[1], refined.Tensors);
        Assert.DoesNotContain(lastOutput, refined.Tensors); // only the float classifiers read it
        Assert.Equal(plan.Tensors.Count - 3, refined.Tensors.Count);
        Assert.Equal(plan, QdqQuantizer.WithoutCancellingAdds(model, plan, ranges, maximumCancellation: 6), QdqPlanComparer.Instance); // factor 5 is under 6

        // The refined graph still runs and quantises what is left.
        ModelProto quantized = QdqQuantizer.Quantize(model, ranges, refined);
        Assert.Equal(refined.Convolutions.Count, quantized.Graph.Node.Count(n => n.OpType == "Conv" && quantized.Graph.Node.Any(d => d.OpType == "DequantizeLinear" && d.Output[0] == n.Input[1])));
        using var predictor = new OnnxTilePredictor(quantized.ToByteArray(), Statistics, ["a", "b", "c"]);
        predictor.Predict(DeepLabOnnxExporterTests.FormulaTiles(1, 3, 32, 32), 1, 32, 32, new float[3 * 32 * 32]);
    }

    private sealed class QdqPlanComparer : IEqualityComparer<QdqPlan>
    {
        public static readonly QdqPlanComparer Instance = new();

        public bool Equals(QdqPlan? x, QdqPlan? y) => x is not null && y is not null && x.Convolutions.SequenceEqual(y.Convolutions) && x.Tensors.SequenceEqual(y.Tensors)
            && x.SharedParameters.OrderBy(kv => kv.Key).SequenceEqual(y.SharedParameters.OrderBy(kv => kv.Key));

        public int GetHashCode(QdqPlan obj) => obj.Tensors.Count;
    }

    [Fact]
    public void Quantize_Weights_PerChannelSymmetricInt8WithZeroPointsZeroAndInt32Bias()
    {
        var (floatModel, model, _) = Quantized();
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        var floatInitializers = floatModel.Graph.Initializer.ToDictionary(t => t.Name);
        NodeProto conv = model.Graph.Node.First(n => n.OpType == "Conv" && n.Input[1].StartsWith("layer1.0.conv2", StringComparison.Ordinal));
        NodeProto weightDq = model.Graph.Node.Single(n => n.Output[0] == conv.Input[1]);
        Assert.Equal("DequantizeLinear", weightDq.OpType);
        Assert.Equal(0, weightDq.Attribute.Single(a => a.Name == "axis").I);
        TensorProto q = initializers[weightDq.Input[0]];
        TensorProto scale = initializers[weightDq.Input[1]];
        TensorProto zero = initializers[weightDq.Input[2]];
        Assert.Equal((int)TensorProto.Types.DataType.Int8, q.DataType);
        Assert.Equal((int)TensorProto.Types.DataType.Int8, zero.DataType);
        Assert.All(zero.RawData.ToByteArray(), b => Assert.Equal(0, b));
        long outChannels = q.Dims[0];
        Assert.Equal([outChannels], scale.Dims);

        // Each channel's largest |w| maps to 127, and dequantising gives w back within half a step.
        float[] w = Floats(floatInitializers["layer1.0.conv2.weight"]);
        sbyte[] codes = q.RawData.ToByteArray().Select(b => (sbyte)b).ToArray();
        float[] scales = Floats(scale);
        int per = (int)(w.Length / outChannels);
        for (int o = 0; o < outChannels; o++)
        {
            Assert.Equal(127, codes.Skip(o * per).Take(per).Max(c => Math.Abs((int)c)));
            for (int i = 0; i < per; i++)
            {
                Assert.True(Math.Abs((codes[o * per + i] * scales[o]) - w[o * per + i]) <= (scales[o] / 2) + 1e-7);
            }
        }

        // Bias: int32, scale = input scale x weight scale, per channel.
        NodeProto biasDq = model.Graph.Node.Single(n => n.Output[0] == conv.Input[2]);
        Assert.Equal((int)TensorProto.Types.DataType.Int32, initializers[biasDq.Input[0]].DataType);
        NodeProto inputDq = model.Graph.Node.Single(n => n.Output[0] == conv.Input[0]);
        float inputScale = Floats(initializers[inputDq.Input[1]])[0];
        float[] biasScales = Floats(initializers[biasDq.Input[1]]);
        for (int o = 0; o < outChannels; o++)
        {
            Assert.Equal(inputScale * scales[o], biasScales[o], 6);
        }

        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "layer1.0.conv2.weight"); // the float weights are gone
    }

    [Fact]
    public void Quantize_OrtOptimisedGraph_RunsQLinearConvAndQLinearAdd()
    {
        var (_, model, summary) = Quantized();
        using var temp = new TempDirectory();
        string optimised = temp.File("optimised.onnx");
        using (var predictor = new OnnxTilePredictor(model.ToByteArray(), Statistics, ["a", "b", "c"], settings: new OnnxSessionSettings { OptimizedModelPath = optimised }))
        {
            Assert.True(predictor.IsQuantized);
        }

        ModelProto run = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimised));
        var ops = run.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        log.WriteLine(string.Join(", ", ops.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(summary.QuantizedConvolutions, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(summary.FloatConvolutions, ops.GetValueOrDefault("Conv") + ops.GetValueOrDefault("FusedConv"));
        Assert.Equal(4, ops.GetValueOrDefault("QLinearAdd")); // one residual add per block
        Assert.False(ops.ContainsKey("Relu"), "every ReLU is absorbed by its uint8 zero point");
    }

    [PythonOnnxFact]
    public void Quantize_OnnxCheckerOfPython3Onnx_AcceptsTheInt8GraphWithFullCheck()
    {
        var (_, model, _) = Quantized(CalibrationMethod.Percentile, allBranches: true);
        using var temp = new TempDirectory();
        string path = temp.File("int8.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var (code, output) = PythonOnnxFactAttribute.Run(
            "import sys, onnx; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); " +
            "ops = [n.op_type for n in m.graph.node]; print(ops.count('QuantizeLinear'), ops.count('DequantizeLinear'), ops.count('Conv'))", path);
        log.WriteLine(output);
        Assert.True(code == 0, output);
        int[] counts = output.Trim().Split(' ').Select(int.Parse).ToArray();
        Assert.True(counts[0] > 10 && counts[1] > counts[0], output); // activation pairs, plus a DequantizeLinear per weight and bias
    }

    [Fact]
    public void Quantize_FormulaNetwork_OrtProbabilitiesCloseToFloatAndMasksAgree()
    {
        var (floatModel, model, _) = Quantized(CalibrationMethod.Percentile, maximumCancellation: 4);
        using var floatPredictor = new OnnxTilePredictor(floatModel.ToByteArray(), Statistics, ["a", "b", "c"]);
        using var int8Predictor = new OnnxTilePredictor(model.ToByteArray(), Statistics, ["a", "b", "c"]);
        Assert.False(floatPredictor.IsQuantized);
        Assert.True(int8Predictor.IsQuantized);
        float[] input = DeepLabOnnxExporterTests.FormulaTiles(2, 3, 96, 96);
        var expected = new float[2 * 3 * 96 * 96];
        var actual = new float[expected.Length];
        floatPredictor.Predict(input, 2, 96, 96, expected);
        int8Predictor.Predict(input, 2, 96, 96, actual);

        double meanDiff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Average();
        int[] a = DeepLabOnnxExporterTests.Argmax(expected, 2, 3, 96 * 96);
        int[] b = DeepLabOnnxExporterTests.Argmax(actual, 2, 3, 96 * 96);
        double agreement = a.Zip(b, (x, y) => x == y).Count(x => x) / (double)a.Length;
        log.WriteLine($"mean |p_int8 - p_float| = {meanDiff:E2}; masks agree on {agreement:P2}; float classes {string.Join("/", a.GroupBy(v => v).OrderBy(g => g.Key).Select(g => g.Count()))}");
        Assert.True(a.Distinct().Count() >= 2, "the float network separates classes on these tiles");
        Assert.True(meanDiff < 0.05, $"mean |p_int8 - p_float| = {meanDiff:E2}");
        Assert.True(agreement >= 0.95, $"masks agree on {agreement:P2}");
    }

    private static float[] Floats(TensorProto tensor) =>
        tensor.FloatData.Count > 0 ? [.. tensor.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.ToByteArray()).ToArray();
}
