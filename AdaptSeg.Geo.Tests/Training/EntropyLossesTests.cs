using System.Text.Json;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

/// <summary>The entropy maps and losses against Fixtures/adaptation_addons.json (PyTorch, float64): values and gradients w.r.t. the logits.</summary>
public sealed class EntropyLossesTests(ITestOutputHelper output)
{
    private static readonly JsonElement Fixture = Load();

    [Fact]
    public void SelfInformation_FormulaLogits_MatchesAdventProb2Entropy()
    {
        using var scope = NewDisposeScope();
        Tensor logits = FormulaInput([2, 6, 9, 13], 0.3);
        Tensor map = EntropyLosses.SelfInformation(nn.functional.softmax(logits, 1));
        JsonElement advent = Fixture.GetProperty("advent");
        Assert.Equal(advent.GetProperty("self_information_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(), map.shape);
        double error = ReferenceComparison.AssertClose("self_information", Doubles(advent.GetProperty("self_information")), map.data<double>().ToArray());
        output.WriteLine($"self-information: max relative error {error:E2}");
    }

    [Fact]
    public void MinimumEntropy_FormulaLogits_MatchesAdventEntropyLossAndGradient()
    {
        using var scope = NewDisposeScope();
        Tensor logits = FormulaInput([2, 6, 9, 13], 0.3).requires_grad_();
        Tensor loss = EntropyLosses.MinimumEntropy(nn.functional.softmax(logits, 1));
        loss.backward();
        JsonElement advent = Fixture.GetProperty("advent");
        double value = ReferenceComparison.AssertClose("entropy_loss", [advent.GetProperty("entropy_loss").GetDouble()], [loss.item<double>()]);
        double grad = ReferenceComparison.AssertClose("entropy_loss_grad_logits", Doubles(advent.GetProperty("entropy_loss_grad_logits")), logits.grad!.data<double>().ToArray());
        output.WriteLine($"minent: value {value:E2}, gradient {grad:E2}");
    }

    [Theory]
    [InlineData("robust_entropy_19c", 19)]
    [InlineData("robust_entropy_6c", 6)]
    public void RobustEntropy_FormulaLogits_MatchesFdaEntropyLossAndGradient(string key, int classes)
    {
        using var scope = NewDisposeScope();
        JsonElement item = Fixture.GetProperty(key);
        Tensor logits = FormulaInput([1, classes, 7, 11], 0.7).requires_grad_();
        Tensor loss = EntropyLosses.RobustEntropy(logits, item.GetProperty("ita").GetDouble());
        loss.backward();
        double value = ReferenceComparison.AssertClose(key, [item.GetProperty("value").GetDouble()], [loss.item<double>()]);
        double grad = ReferenceComparison.AssertClose(key + ".grad_logits", Doubles(item.GetProperty("grad_logits")), logits.grad!.data<double>().ToArray());
        output.WriteLine($"{key}: value {value:E2}, gradient {grad:E2}");
    }

    [Fact]
    public void MinimumEntropy_UniformAndOneHot_AreOneAndZero()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(1.0, EntropyLosses.MinimumEntropy(full([2, 4, 3, 5], 0.25, ScalarType.Float64)).item<double>(), 12);
        Tensor oneHot = nn.functional.one_hot(zeros([1, 3, 3], ScalarType.Int64), 4).permute(0, 3, 1, 2).to_type(ScalarType.Float64);
        Assert.Equal(0.0, EntropyLosses.MinimumEntropy(oneHot).item<double>(), 12);
    }

    /// <summary><c>formula_input(shape, phase)[i] = 2·sin(0.05·i + phase)</c>, float64.</summary>
    internal static Tensor FormulaInput(long[] shape, double phase)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[n];
        for (long i = 0; i < n; i++)
        {
            values[i] = 2 * Math.Sin(0.05 * i + phase);
        }

        return tensor(values, shape, ScalarType.Float64);
    }

    internal static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    internal static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("adaptation_addons.json")));
        return document.RootElement.Clone();
    }
}
