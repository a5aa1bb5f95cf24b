using AdaptSeg.Geo.Models.Onnx;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

public sealed class ActivationCalibratorTests
{
    [Fact]
    public void FromHistogram_OneOutlierInTenThousand_Percentile9999ClipsItAndMinMaxKeepsIt()
    {
        // 9,999 values spread over [0, 10] and one at 1000: min-max keeps 1000 (a step of 3.9 in uint8),
        // the 99.99th percentile drops it and keeps [0, ~10] (a step of ~0.04).
        float[] values = [.. Enumerable.Range(0, 9_999).Select(i => i / 999.9f), 1000f];
        var histogram = new long[ActivationCalibrator.HistogramBins];
        ActivationCalibrator.Fill(histogram, values, 0, 1000);

        ActivationRange range = ActivationCalibrator.FromHistogram(histogram, 0, 1000, 99.99);

        Assert.Equal(0f, range.Min);
        Assert.InRange(range.Max, 10f, 10f + (1000f / ActivationCalibrator.HistogramBins) + 1e-3f);
        Assert.Equal(new ActivationRange(0, 1000), ActivationCalibrator.FromHistogram(histogram, 0, 1000, 100));
    }

    [Fact]
    public void FromHistogram_SymmetricTails_ClipsBothSidesByTheSameShare()
    {
        float[] values = [.. Enumerable.Range(-5000, 10_001).Select(i => i / 100f)]; // -50 .. 50
        var histogram = new long[ActivationCalibrator.HistogramBins];
        ActivationCalibrator.Fill(histogram, values, -50, 50);

        ActivationRange range = ActivationCalibrator.FromHistogram(histogram, -50, 50, 99);

        // 1 % of 10,001 values at each end is 100 values = 1.0 unit; the range errs outward by under one bin.
        double bin = 100.0 / ActivationCalibrator.HistogramBins;
        Assert.InRange(range.Min, -49 - bin, -49 + 1e-6);
        Assert.InRange(range.Max, 49 - 1e-6, 49 + bin);
    }

    [Theory]
    [InlineData(0f, 6f, 0)]
    [InlineData(-2f, 6f, 64)]
    [InlineData(0.5f, 6f, 0)]      // widened down to 0: zero is exact
    [InlineData(-3f, -1f, 255)]    // widened up to 0
    public void Uint8Parameters_Range_ZeroIsExactlyRepresentable(float min, float max, int zeroPoint)
    {
        var (scale, zero) = new ActivationRange(min, max).Uint8Parameters();
        Assert.Equal(zeroPoint, zero);
        Assert.Equal((Math.Max(max, 0) - Math.Min(min, 0)) / 255f, scale, 6);
    }
}
