using System.Text.Json;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>The port against the numbers of the reference <c>model/deeplab_multi.py</c> (float64, CPU).</summary>
public sealed class DeepLabMultiReferenceTests
{
    private const double Relative = 1e-9;

    [Fact]
    public void StateDict_ResNet101_KeysShapesAndDtypesEqualReferenceInOrder()
    {
        using var model = new DeepLabMulti(19);
        model.to(ScalarType.Float64);

        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("deeplab_multi_state_dict_keys.json")));
        var expected = document.RootElement.GetProperty("keys").EnumerateArray()
            .Select(e => (Key: e[0].GetString()!, Shape: string.Join(",", e[1].EnumerateArray().Select(d => d.GetInt64())), Dtype: e[2].GetString()!))
            .ToList();
        var actual = model.state_dict()
            .Select(kv => (kv.Key, Shape: string.Join(",", kv.Value.shape), Dtype: kv.Value.dtype == ScalarType.Int64 ? "int64" : kv.Value.dtype == ScalarType.Float64 ? "float64" : kv.Value.dtype.ToString()))
            .ToList();

        Assert.Equal(640, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ForwardFeatures_ResNet101FormulaWeightsEval_MatchesReference()
    {
        CheckAgainst(ReferenceFixture.Load("deeplab_multi_forward_19c_77x101.json"));
    }

    [Fact]
    public void ForwardFeatures_ResNet50FormulaWeightsEval_MatchesReference()
    {
        CheckAgainst(ReferenceFixture.Load("resnet50_multi_forward_19c_65x89.json"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Forward_TrainModeFirstIteration_SegmentationLossesMatchReference()
    {
        // Iteration 0 of Fixtures/train_3steps_19c.json: train-mode forward (batch statistics) of the
        // formula-weight network on the source image, both outputs upsampled (bilinear, corners
        // aligned) and scored with cross-entropy ignoring 255. No optimiser step has happened yet.
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("train_3steps_19c.json")));
        JsonElement step0 = document.RootElement.GetProperty("steps")[0];
        using var scope = NewDisposeScope();
        using var model = new DeepLabMulti(19);
        model.to(ScalarType.Float64);
        FormulaWeights.Apply(model);
        model.train();
        Tensor source = FormulaWeights.Input([1, 3, 49, 65], 0.0);
        Tensor labels = FormulaWeights.Labels(49, 65, 0, 19);

        var (aux, main) = model.call(source);
        Tensor up1 = nn.functional.interpolate(aux, [49, 65], mode: InterpolationMode.Bilinear, align_corners: true);
        Tensor up2 = nn.functional.interpolate(main, [49, 65], mode: InterpolationMode.Bilinear, align_corners: true);
        double lossSeg1 = nn.functional.cross_entropy(up1, labels, ignore_index: 255).item<double>();
        double lossSeg2 = nn.functional.cross_entropy(up2, labels, ignore_index: 255).item<double>();

        AssertRelative(step0.GetProperty("loss_seg1").GetDouble(), lossSeg1, "loss_seg1");
        AssertRelative(step0.GetProperty("loss_seg2").GetDouble(), lossSeg2, "loss_seg2");
        Assert.Equal(1L, model.state_dict()["layer4.2.bn3.num_batches_tracked"].item<long>());
    }

    private static void CheckAgainst(ReferenceFixture fixture)
    {
        using var scope = NewDisposeScope();
        using var model = new DeepLabMulti(fixture.NumClasses, blocksPerStage: fixture.Layers);
        model.to(ScalarType.Float64);
        FormulaWeights.Apply(model);
        model.eval();
        using var noGrad = no_grad();
        Tensor input = FormulaWeights.Input(fixture.InputShape, 0);

        using DeepLabFeatures features = model.ForwardFeatures(input);
        foreach (var (stage, value) in features.Stages)
        {
            var (sum, sumSq, shape) = fixture.Intermediate(stage);
            Assert.Equal(shape, value.shape);
            AssertRelative(sum, value.sum().item<double>(), $"{stage} sum");
            AssertRelative(sumSq, value.square().sum().item<double>(), $"{stage} sum of squares");
        }

        AssertElementwise(fixture, "out1", features.Aux);
        AssertElementwise(fixture, "out2", features.Main);

        // forward gives the same numbers as ForwardFeatures.
        var (aux, main) = model.call(input);
        Assert.True(aux.allclose(features.Aux, rtol: 0, atol: 0), "forward's aux output differs from ForwardFeatures'");
        Assert.True(main.allclose(features.Main, rtol: 0, atol: 0), "forward's main output differs from ForwardFeatures'");
    }

    private static void AssertElementwise(ReferenceFixture fixture, string name, Tensor actual)
    {
        Assert.Equal(fixture.Shape(name), actual.shape);
        double[] expected = fixture.Values(name);
        double[] values = actual.contiguous().data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        double scale = expected.Max(Math.Abs);
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            // Relative to each element, with a floor of 1e-6 of the largest magnitude for the few elements near zero.
            double error = Math.Abs(values[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1e-6 * scale);
            if (error > worst)
            {
                worst = error;
                worstAt = i;
            }
        }

        Assert.True(worst <= Relative, $"{name}[{worstAt}] = {values[worstAt]:R}, reference {expected[worstAt]:R}: relative error {worst:E2} > {Relative:E0}");
    }

    private static void AssertRelative(double expected, double actual, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= Relative, $"{what} = {actual:R}, reference {expected:R}: relative error {error:E2} > {Relative:E0}");
    }
}
