using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

public sealed class CheckpointLoaderTests
{
    /// <remarks>
    /// The forward runs in float64 on the loaded float32 weights. A float32 forward is no test of
    /// loading: its accumulation order depends on the CPU's vector width, and this discriminator
    /// (formula weights, five layers of cancelling sums) turns that rounding into differences of
    /// 0.5 % (AVX2) to 0.9 % (AVX-512) of its six outputs, measured on one machine. In float64 the
    /// only difference to the reference is the float32 rounding of the weights.
    /// </remarks>
    [Theory]
    [InlineData("fc_discriminator_19c_formula.pth")]
    [InlineData("fc_discriminator_19c_formula_legacy.pth")]
    public void Load_DiscriminatorCheckpoint_ReproducesReferenceOutput(string name)
    {
        using var doc = FixtureJson.Open("fc_discriminator_forward_19c_64x96.json");
        double[] expected = FixtureJson.Doubles(doc.RootElement.GetProperty("out"));
        using var scope = NewDisposeScope();
        var d = new FcDiscriminator(19);
        d.to(ScalarType.Float64);
        CheckpointLoadReport report;
        using (Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture(name)))
        {
            report = CheckpointLoader.Load(d, checkpoint, CheckpointLoadOptions.Exact);
        }

        Assert.True(report.IsComplete, report.Describe());
        Assert.Equal(10, report.Loaded.Count);
        int j = 0;
        foreach (var (key, loaded) in d.state_dict())
        {
            Tensor formula = FormulaWeights.Values(key, loaded.shape, j++).to(ScalarType.Float32).to(ScalarType.Float64);
            Assert.True(loaded.reshape(-1).eq(formula).all().item<bool>(), $"{key}: the loaded values are not the formula's float32 values");
        }

        d.eval();
        using var noGrad = torch.no_grad();
        Tensor input = FormulaForTests.Input([1, 19, 64, 96], 0.3).softmax(1);
        double[] actual = d.call(input).data<double>().ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * scale, $"out[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Load_IntoFloat64Module_ConvertsToModelDtype()
    {
        using var scope = NewDisposeScope();
        var d = new FcDiscriminator(19);
        d.to(ScalarType.Float64);
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture("fc_discriminator_19c_formula.pth"));
        CheckpointLoader.Load(d, checkpoint);

        Tensor w = d.state_dict()["conv1.weight"];
        Assert.Equal(ScalarType.Float64, w.dtype);
        Assert.Equal((double)0.0080975594f, w[0, 0, 0, 0].item<double>(), 12);
    }

    [Fact]
    public void Load_DiscriminatorFor19ClassesInto21_ErrorNamesKeyAndBothShapes()
    {
        using var d = new FcDiscriminator(21);
        float before = d.state_dict()["conv2.weight"][0, 0, 0, 0].item<float>();
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture("fc_discriminator_19c_formula.pth"));

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(d, checkpoint));
        Assert.Contains("'conv1.weight'", e.Message);
        Assert.Contains("[64, 19, 4, 4]", e.Message);
        Assert.Contains("[64, 21, 4, 4]", e.Message);
        Assert.Contains("fc_discriminator_19c_formula.pth", e.Message);
        // Nothing was copied: all checks run first.
        Assert.Equal(before, d.state_dict()["conv2.weight"][0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Plan_ReferenceInitInto19ClassDeepLab_LoadsStemAndLayer1_SkipsHead_RestMissing()
    {
        using var keysDoc = FixtureJson.Open("deeplab_multi_state_dict_keys.json");
        var target = FixtureJson.Keys(keysDoc);
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture("deeplab_init_partial_scale_prefix_legacy.pth"));
        var source = checkpoint.StateDict.Select(kv => (kv.Key, kv.Value.shape));

        CheckpointLoadReport report = CheckpointLoader.Plan(target, source, CheckpointLoadOptions.ReferenceInit, checkpoint.Path);

        var expectedLoaded = target.Select(t => t.Name)
            .Where(k => (k.StartsWith("conv1.") || k.StartsWith("bn1.") || k.StartsWith("layer1.")) && !k.EndsWith("num_batches_tracked"))
            .ToList();
        Assert.Equal(expectedLoaded, report.Loaded);
        Assert.Equal(55, report.Loaded.Count);
        Assert.Equal(8, report.Skipped.Count); // four branches, weight and bias each
        Assert.All(report.Skipped, s => Assert.StartsWith("layer5.conv2d_list.", s.Key));
        Assert.All(report.Skipped, s => Assert.Contains("21 outputs, the model's 19", s.Reason));
        Assert.Contains("layer5.conv2d_list.0.bias", report.Skipped.Select(s => s.Key));
        Assert.Empty(report.Unexpected);
        Assert.Equal(target.Count - 55 - 8, report.Missing.Count);
        Assert.Contains("layer6.conv2d_list.0.weight", report.Missing);
        Assert.Contains("layer2.0.conv1.weight", report.Missing);
        Assert.Contains("bn1.num_batches_tracked", report.Missing);
    }

    [Fact]
    public void LoadInto_ReferenceInit_CopiesValuesUnderStrippedNames()
    {
        using var keysDoc = FixtureJson.Open("deeplab_multi_state_dict_keys.json");
        using var scope = NewDisposeScope();
        var target = new StateDict(FixtureJson.Keys(keysDoc)
            .Where(k => k.Name.StartsWith("bn1.") || k.Name.StartsWith("layer5."))
            .Select(k => new KeyValuePair<string, Tensor>(k.Name, torch.zeros(k.Shape, ScalarType.Float64))));
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture("deeplab_init_partial_scale_prefix_legacy.pth"));

        CheckpointLoadReport report = CheckpointLoader.LoadInto(target, checkpoint.StateDict, CheckpointLoadOptions.ReferenceInit);

        Assert.Contains("bn1.running_var", report.Loaded);
        Assert.Equal(1 + 0.25 * (1 + Math.Sin(0.37 * 4 + 0.1)), target["bn1.running_var"][0].item<double>(), 6);
        Assert.Equal(0.0, target["layer5.conv2d_list.0.bias"].abs().sum().item<double>());
        Assert.Contains("conv1.weight", report.Unexpected);
        Assert.Equal(["bn1.num_batches_tracked"], report.Missing);
    }

    [Fact]
    public void Plan_HeadClassCountDiffersAndSkippingOff_ErrorSaysHowToFix()
    {
        (string, long[])[] target = [("layer6.conv2d_list.0.weight", [19, 2048, 3, 3])];
        (string, long[])[] source = [("layer6.conv2d_list.0.weight", [21, 2048, 3, 3])];

        var e = Assert.Throws<CheckpointException>(() =>
            CheckpointLoader.Plan(target, source, new CheckpointLoadOptions { SkipMismatchedHeads = false }, "gta.pth"));
        Assert.Contains("gta.pth", e.Message);
        Assert.Contains("[21, 2048, 3, 3]", e.Message);
        Assert.Contains("[19, 2048, 3, 3]", e.Message);
        Assert.Contains("another class count", e.Message);
    }

    [Fact]
    public void Plan_ShapeMismatchOutsideHead_IsAnErrorEvenWhenSkippingHeads()
    {
        (string, long[])[] target = [("layer4.0.conv1.weight", [512, 1024, 1, 1])];
        (string, long[])[] source = [("layer4.0.conv1.weight", [256, 1024, 1, 1])];

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Plan(target, source));
        Assert.Contains("'layer4.0.conv1.weight'", e.Message);
    }

    [Fact]
    public void Plan_Strict_MissingKeyIsAnError()
    {
        (string, long[])[] target = [("a.weight", [2]), ("b.weight", [2])];
        (string, long[])[] source = [("a.weight", [2])];

        Assert.True(CheckpointLoader.Plan(target, source).Missing.SequenceEqual(["b.weight"]));
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Plan(target, source, CheckpointLoadOptions.Exact));
        Assert.Contains("b.weight", e.Message);
    }

    [Fact]
    public void Plan_StrictOnPre041Checkpoint_MissingNumBatchesTrackedOnlyReported()
    {
        (string, long[])[] target = [("bn1.weight", [4]), ("bn1.num_batches_tracked", [])];
        (string, long[])[] source = [("bn1.weight", [4])];

        CheckpointLoadReport report = CheckpointLoader.Plan(target, source, CheckpointLoadOptions.Exact);

        Assert.Equal(["bn1.num_batches_tracked"], report.Missing);
    }
}
