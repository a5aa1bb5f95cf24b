using AdaptSeg.Geo.Evaluation;

namespace AdaptSeg.Geo.Tests.Evaluation;

public sealed class ClassSharesTests
{
    [Fact]
    public void Of_Counts_FractionsOfTheTotal()
    {
        Assert.Equal([0.25, 0.0, 0.75], ClassShares.Of([1, 0, 3]));
        Assert.Equal([0.0, 0.0], ClassShares.Of([0, 0])); // no pixel: no share, not NaN
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassShares.Of([1, -1]));
    }

    [Fact]
    public void Format_NamesAndPercentOneDecimal()
    {
        Assert.Equal("water 16.1 %, vegetation 32.3 %, other 51.5 %", ClassShares.Format(["water", "vegetation", "other"], [0.1612, 0.3234, 0.5154]));
        Assert.Throws<ArgumentException>(() => ClassShares.Format(["water"], [0.5, 0.5]));
    }
}
