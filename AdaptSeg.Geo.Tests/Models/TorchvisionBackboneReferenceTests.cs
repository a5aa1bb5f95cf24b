using System.Globalization;
using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>
/// <see cref="DeepLabMulti"/> on torchvision's ResNet against torchvision itself (float64, CPU):
/// the fixture of Fixtures/README.md, and torchvision 0.14 run live for other depths, strides and shapes.
/// </summary>
public sealed class TorchvisionBackboneReferenceTests(ITestOutputHelper output)
{
    internal const string Fixture3Bands = "torchvision_resnet50_os16_3b_64x80.json";
    internal const string Fixture4Bands = "torchvision_resnet50_os16_4b_64x80.json";
    private const double Relative = 1e-9;

    internal static DeepLabOptions Torchvision(int outputStride) => new() { Backbone = BackboneKind.TorchvisionResNet, OutputStride = outputStride };

    [Fact]
    public void StateDict_TorchvisionResNet50_BackboneKeysAndShapesAreTorchvisionsInItsOrder()
    {
        using var model = new DeepLabMulti(7, 3, DeepLabMulti.ResNet50, Torchvision(16));
        using var fixture = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(Fixture3Bands)));
        var expected = fixture.RootElement.GetProperty("state_dict_keys").EnumerateArray()
            .Select(e => (Key: e[0].GetString()!, Shape: string.Join(",", e[1].EnumerateArray().Select(d => d.GetInt64()))))
            .Where(e => !e.Key.StartsWith("fc.", StringComparison.Ordinal))
            .ToList();
        var actual = model.state_dict()
            .Where(kv => !kv.Key.StartsWith("layer5.", StringComparison.Ordinal) && !kv.Key.StartsWith("layer6.", StringComparison.Ordinal))
            .Select(kv => (kv.Key, Shape: string.Join(",", kv.Value.shape)))
            .ToList();

        Assert.Equal(318, expected.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ForwardFeatures_ResNet50Os16FormulaWeights_MatchesTorchvisionFixture()
    {
        using var scope = NewDisposeScope();
        using var model = FormulaNetwork(3, DeepLabMulti.ResNet50, Torchvision(16));
        double worst = CheckStages(model, Fixture3Bands);
        output.WriteLine($"{Fixture3Bands}: worst relative error {worst:E2}");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Stages_TorchvisionOutputStride_FirstBlockOfADilatedStageKeepsThePreviousDilation(int outputStride)
    {
        IReadOnlyList<ResNetStage> stages = DeepLabMulti.Stages(Torchvision(outputStride));
        // layer4: [F,T,T] gives (1, 2, 4), [F,F,T] gives (1, 1, 2).
        Assert.Equal(new ResNetStage(1, outputStride == 8 ? 2 : 1, outputStride == 8 ? 4 : 2), stages[3]);
        Assert.Equal(outputStride == 8 ? new ResNetStage(1, 1, 2) : new ResNetStage(2, 1, 1), stages[2]);
        Assert.Equal(new ResNetStage(2, 1, 1), stages[1]);
        Assert.Equal(new ResNetStage(1, 1, 1), stages[0]);
    }

    [Fact]
    public void Constructor_DeepLabBackboneWithOutputStride16_RefusedNamingTheTorchvisionBackbone()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DeepLabMulti(3, 3, [1, 1, 1, 1], new DeepLabOptions { OutputStride = 16 }));
        Assert.Contains("torchvision", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeepLabMulti(3, 3, [1, 1, 1, 1], Torchvision(32)));
    }

    [Theory]
    [InlineData(8, 512, 64)]
    [InlineData(16, 512, 32)]
    [InlineData(8, 77, 10)]
    [InlineData(16, 77, 5)]
    [InlineData(16, 33, 3)]
    public void Forward_TorchvisionBackbone_BothHeadsAtOutputSize(int outputStride, int size, int expected)
    {
        using var scope = NewDisposeScope();
        DeepLabOptions options = Torchvision(outputStride) with { Width = 8 };
        using var model = new DeepLabMulti(3, 3, [1, 1, 1, 1], options);
        model.eval();
        using var noGrad = no_grad();

        var (aux, main) = model.call(randn(1, 3, size, size));

        Assert.Equal(expected, DeepLabMulti.OutputSize(size, options));
        Assert.Equal([1L, 3, expected, expected], main.shape);
        Assert.Equal(main.shape, aux.shape);
    }

    /// <summary>
    /// Other depths, output strides and input shapes, each against torchvision 0.14 run here on
    /// the same formula weights and input: every stage's shape, sum, sum of squares and a
    /// strided sample of its values.
    /// </summary>
    [PythonFact("torchvision", "python3-torchvision")]
    [Trait("Category", "Slow")]
    public void ForwardFeatures_OtherDepthsStridesAndShapes_MatchTorchvisionRunLive()
    {
        (int Depth, int OutputStride, int Height, int Width)[] cases = [(50, 8, 57, 71), (101, 16, 45, 38), (101, 8, 33, 50)];
        string spec = string.Join(";", cases.Select(c => $"{c.Depth},{c.OutputStride},{c.Height},{c.Width}"));
        var (exit, text) = ExternalPython.RunScript(TorchvisionScript, [spec], TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, text);
        using var reference = JsonDocument.Parse(text[text.IndexOf('[', StringComparison.Ordinal)..]);
        int i = 0;
        foreach (JsonElement expected in reference.RootElement.EnumerateArray())
        {
            var c = cases[i++];
            using var scope = NewDisposeScope();
            using var model = FormulaNetwork(3, DeepLabMulti.BlocksForDepth(c.Depth), Torchvision(c.OutputStride));
            using var noGrad = no_grad();
            using DeepLabFeatures features = model.ForwardFeatures(FormulaWeights.Input([1, 3, c.Height, c.Width], 0.1));
            double worst = 0;
            foreach (var (stage, value) in features.Stages)
            {
                JsonElement s = expected.GetProperty(stage);
                Assert.Equal(s.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), value.shape);
                worst = Math.Max(worst, AssertRelative(s.GetProperty("sum").GetDouble(), value.sum().item<double>(), $"{c} {stage} sum"));
                worst = Math.Max(worst, AssertRelative(s.GetProperty("sum_sq").GetDouble(), value.square().sum().item<double>(), $"{c} {stage} sum of squares"));
                double[] sample = value.reshape(-1).slice(0, 0, value.numel(), 97).contiguous().data<double>().ToArray();
                worst = Math.Max(worst, ReferenceComparison.AssertClose($"{c} {stage}", Doubles(s.GetProperty("sample")), sample, Relative));
            }

            Assert.Equal(features.Layer4.shape[2], DeepLabMulti.OutputSize(c.Height, model.Options));
            Assert.Equal(features.Layer4.shape[3], DeepLabMulti.OutputSize(c.Width, model.Options));
            output.WriteLine($"ResNet-{c.Depth} OS{c.OutputStride} {c.Height}x{c.Width}: worst relative error {worst:E2}");
        }
    }

    /// <summary>A torchvision-backbone network with the formula weights, float64, eval mode.</summary>
    internal static DeepLabMulti FormulaNetwork(int bands, IReadOnlyList<int> blocks, DeepLabOptions options)
    {
        var model = new DeepLabMulti(19, bands, blocks, options);
        model.to(ScalarType.Float64);
        FormulaWeights.Apply(model);
        model.eval();
        return model;
    }

    /// <summary>Checks every stage of <paramref name="model"/> on the fixture's input; returns the worst relative error.</summary>
    internal static double CheckStages(DeepLabMulti model, string fixtureName)
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(fixtureName)));
        JsonElement root = fixture.RootElement;
        JsonElement input = root.GetProperty("input");
        long[] shape = [.. input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())];
        using var noGrad = no_grad();
        using DeepLabFeatures features = model.ForwardFeatures(FormulaWeights.Input(shape, input.GetProperty("phase").GetDouble()));
        double worst = 0;
        foreach (var (stage, value) in features.Stages)
        {
            JsonElement expected = root.GetProperty("outputs").GetProperty(stage);
            Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), value.shape);
            worst = Math.Max(worst, AssertRelative(expected.GetProperty("sum").GetDouble(), value.sum().item<double>(), $"{stage} sum"));
            worst = Math.Max(worst, AssertRelative(expected.GetProperty("sum_sq").GetDouble(), value.square().sum().item<double>(), $"{stage} sum of squares"));
            // Relative to each value, with a floor of 1e-6 of the stage's root mean square: after a
            // ReLU many of the first 64 values are exactly 0 (layer1's are all 0 here).
            double rms = Math.Sqrt(expected.GetProperty("sum_sq").GetDouble() / value.numel());
            double[] reference = Doubles(expected.GetProperty("first"));
            double[] first = value.reshape(-1).narrow(0, 0, reference.Length).data<double>().ToArray();
            for (int i = 0; i < reference.Length; i++)
            {
                double error = Math.Abs(first[i] - reference[i]) / Math.Max(Math.Abs(reference[i]), 1e-6 * rms);
                Assert.True(error <= Relative, $"{stage}[{i}] = {first[i]:R}, reference {reference[i]:R}: relative error {error:E2} > {Relative:E0}");
                worst = Math.Max(worst, error);
            }
        }

        return worst;
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    private static double AssertRelative(double expected, double actual, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= Relative, string.Create(CultureInfo.InvariantCulture, $"{what} = {actual:R}, reference {expected:R}: relative error {error:E2} > {Relative:E0}"));
        return error;
    }

    /// <summary>
    /// torchvision's ResNet with the formula weights (Fixtures/README.md) in float64; for each case
    /// "depth,outputStride,height,width" the stage statistics and every 97th value.
    /// </summary>
    private const string TorchvisionScript = """
        import json, math, sys, torch, torchvision
        def formula(name, shape, j):
            n = math.prod(shape)
            s = torch.sin(torch.arange(n, dtype=torch.float64) * 0.731 + 0.37 * j + 0.1)
            if name.endswith("num_batches_tracked"): return torch.zeros(shape, dtype=torch.int64)
            if name.endswith("running_mean"): v = 0.05 * s
            elif name.endswith("running_var"): v = 1 + 0.25 * (1 + s)
            elif len(shape) == 4: v = math.sqrt(2.0 / (shape[1] * shape[2] * shape[3])) * s
            elif name.endswith("bias"): v = 0.05 * s
            else: v = 1 + 0.1 * s
            return v.reshape(shape)
        results = []
        for case in sys.argv[1].split(";"):
            depth, os_, h, w = (int(v) for v in case.split(","))
            dilate = [False, True, True] if os_ == 8 else [False, False, True]
            net = getattr(torchvision.models, f"resnet{depth}")(weights=None, replace_stride_with_dilation=dilate).double().eval()
            net.load_state_dict({k: formula(k, list(t.shape), j) for j, (k, t) in enumerate(net.state_dict().items())})
            n = 3 * h * w
            x = (2 * torch.sin(torch.arange(n, dtype=torch.float64) * 0.05 + 0.1)).reshape(1, 3, h, w)
            out = {}
            with torch.no_grad():
                x = net.maxpool(net.relu(net.bn1(net.conv1(x))))
                out["stem"] = x
                for name in ["layer1", "layer2", "layer3", "layer4"]:
                    x = getattr(net, name)(x)
                    out[name] = x
            results.append({k: {"shape": list(v.shape), "sum": v.sum().item(), "sum_sq": (v * v).sum().item(),
                                "sample": v.flatten()[::97].tolist()} for k, v in out.items()})
        print(json.dumps(results))
        """;
}
