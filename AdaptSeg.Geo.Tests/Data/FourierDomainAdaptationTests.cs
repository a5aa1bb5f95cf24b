using System.Text.Json;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Training;
using AdaptSeg.Geo.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Data;

/// <summary>FDA's low-frequency amplitude swap against Fixtures/adaptation_addons.json and against torch.fft.fft2.</summary>
public sealed class FourierDomainAdaptationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Restyle_FixtureCase_MatchesFdaSourceToTarget(int index)
    {
        JsonElement fda = EntropyLossesTests.Load().GetProperty("fda");
        JsonElement item = fda.GetProperty("cases")[index];
        double beta = item.GetProperty("L").GetDouble();
        Assert.Equal(item.GetProperty("b").GetInt32(), FourierDomainAdaptation.BlockSize(17, 23, beta));
        double[] source = Formula(3 * 17 * 23, 0.2, 40, 100);
        double[] target = Formula(3 * 17 * 23, 1.1, 25, 60);
        FourierDomainAdaptation.Restyle(source, target, 3, 17, 23, beta);
        double error = ReferenceComparison.AssertClose($"fda L={beta}", EntropyLossesTests.Doubles(item.GetProperty("source_in_target")), source);
        output.WriteLine($"fda L={beta} (b={item.GetProperty("b").GetInt32()}): max relative error {error:E2}");
    }

    [Fact]
    public void Restyle_LargeBlocksOnATile_EqualsTheFullComplexFftComputation()
    {
        // b = 7 on 24x30: the corner blocks nearly meet; compare with fft2 / ifft2 on the whole spectrum.
        const int c = 2, h = 24, w = 30;
        const double beta = 0.3;
        double[] source = Formula(c * h * w, 0.4, 30, 80), target = Formula(c * h * w, 2.0, 10, 20);
        using var scope = NewDisposeScope();
        Tensor fs = fft.fft2(tensor(source, [c, h, w], ScalarType.Float64));
        Tensor ft = fft.fft2(tensor(target, [c, h, w], ScalarType.Float64));
        Tensor amplitude = fs.abs(), phase = fs.angle(), targetAmplitude = ft.abs();
        int b = FourierDomainAdaptation.BlockSize(h, w, beta);
        foreach (var (rows, cols) in new[] { ((0, b), (0, b)), ((0, b), (w - b, w)), ((h - b, h), (0, b)), ((h - b, h), (w - b, w)) })
        {
            var index = new TensorIndex[] { TensorIndex.Colon, TensorIndex.Slice(rows.Item1, rows.Item2), TensorIndex.Slice(cols.Item1, cols.Item2) };
            amplitude[index] = targetAmplitude[index];
        }

        Tensor expected = fft.ifft2(polar(amplitude, phase)).real.contiguous();
        FourierDomainAdaptation.Restyle(source, target, c, h, w, beta);
        ReferenceComparison.AssertClose("restyled", expected.data<double>().ToArray(), source, 1e-10);
    }

    [Fact]
    public void Restyle_BetaTooSmallForTheTile_IsRefusedWithTheSmallestBetaThatWorks()
    {
        var e = Assert.Throws<ArgumentException>(() => FourierDomainAdaptation.Restyle(new double[96 * 96], new double[96 * 96], 1, 96, 96, 0.01));
        Assert.Contains("beta >= 0.011", e.Message);
        Assert.Equal(0.011, FourierDomainAdaptation.SmallestBeta(96, 96));
        Assert.Equal(1, FourierDomainAdaptation.BlockSize(96, 96, 0.011));
    }

    private static double[] Formula(int n, double phase, double scale, double offset) =>
        Enumerable.Range(0, n).Select(i => 2 * Math.Sin(0.05 * i + phase) * scale + offset).ToArray();
}
