using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Tests.Data;

public sealed class BandStatisticsAccumulatorTests
{
    [Fact]
    public void Add_WindowsMerged_EqualsDirectMeanAndPopulationStdOverValidPixels()
    {
        var random = new Random(7);
        const int area = 1000;
        float[] data = Enumerable.Range(0, 2 * area).Select(_ => (float)(random.NextDouble() * 1000 + 5000)).ToArray();
        bool[] valid = Enumerable.Range(0, area).Select(i => i % 7 != 0).ToArray();

        var whole = new BandStatisticsAccumulator(2);
        whole.Add(data, valid);
        var parts = new BandStatisticsAccumulator(2);
        foreach ((int start, int length) in new[] { (0, 300), (300, 650), (950, 50) })
        {
            float[] chunk = [.. data.AsSpan(start, length), .. data.AsSpan(area + start, length)];
            var part = new BandStatisticsAccumulator(2);
            part.Add(chunk, valid.AsSpan(start, length));
            parts.Add(part);
        }

        for (int c = 0; c < 2; c++)
        {
            double[] v = Enumerable.Range(0, area).Where(i => valid[i]).Select(i => (double)data[c * area + i]).ToArray();
            double mean = v.Average();
            double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
            Assert.Equal(mean, whole.ToStatistics("t").Mean[c], 1e-9);
            Assert.Equal(std, whole.ToStatistics("t").Std[c], 1e-9);
            Assert.Equal(mean, parts.ToStatistics("t").Mean[c], 1e-9);
            Assert.Equal(std, parts.ToStatistics("t").Std[c], 1e-9);
        }

        Assert.Equal(valid.Count(v => v), whole.ToStatistics("t").ValidPixels);
    }

    [Fact]
    public void Add_IncludeFilter_CountsOnlyIncludedPixels()
    {
        var acc = new BandStatisticsAccumulator(1);
        acc.Add(new float[] { 1, 2, 3, 100 }, new[] { true, true, true, true }, i => i < 3);
        BandStatistics s = acc.ToStatistics("t");
        Assert.Equal(2.0, s.Mean[0], 1e-12);
        Assert.Equal(3, s.ValidPixels);
    }

    [Fact]
    public void ToStatistics_NoValidPixel_ThrowsNamingWhat()
    {
        var acc = new BandStatisticsAccumulator(1);
        acc.Add(new float[] { 1, 2 }, new[] { false, false });
        var e = Assert.Throws<InvalidOperationException>(() => acc.ToStatistics("Domain 'x'"));
        Assert.Contains("Domain 'x'", e.Message);
    }
}
