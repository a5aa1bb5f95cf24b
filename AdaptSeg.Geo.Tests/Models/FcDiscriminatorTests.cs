using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Tests.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

public sealed class FcDiscriminatorTests
{
    private const string Fixture = "fc_discriminator_forward_19c_64x96.json";

    [Fact]
    public void StateDict_19Classes_KeysAndShapesEqualReference()
    {
        using var doc = FixtureJson.Open(Fixture);
        using var d = new FcDiscriminator(19);
        var expected = FixtureJson.Keys(doc);
        var actual = d.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToList();
        Assert.Equal(expected.Select(e => e.Name), actual.Select(a => a.Key));
        foreach (var ((_, shape), (key, actualShape)) in expected.Zip(actual))
        {
            Assert.True(shape.SequenceEqual(actualShape), $"{key}: expected [{string.Join(",", shape)}], got [{string.Join(",", actualShape)}]");
        }
    }

    [Fact]
    public void Forward_FormulaWeightsFloat64_MatchesReferenceTo1e9()
    {
        using var doc = FixtureJson.Open(Fixture);
        double[] expected = FixtureJson.Doubles(doc.RootElement.GetProperty("out"));
        using var scope = NewDisposeScope();
        var d = new FcDiscriminator(19);
        d.to(ScalarType.Float64);
        FormulaForTests.Apply(d);
        d.eval();
        using var noGrad = torch.no_grad();
        Tensor input = FormulaForTests.Input([1, 19, 64, 96], 0.3).softmax(1);
        Tensor output = d.call(input);

        Assert.Equal([1L, 1, 2, 3], output.shape);
        double[] actual = output.data<double>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-9 * Math.Abs(expected[i]), $"out[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Forward_WrongClassCount_ThrowsNamingShapes()
    {
        using var d = new FcDiscriminator(19);
        using var input = torch.zeros(1, 21, 64, 64);
        var e = Assert.Throws<ArgumentException>(() => d.call(input));
        Assert.Contains("(N, 19, H, W)", e.Message);
        Assert.Contains("[1, 21, 64, 64]", e.Message);
    }
}
