using AdaptSeg.Geo.Experiments;

namespace AdaptSeg.Geo.Tests.Experiments;

public sealed class PairedDifferenceTests
{
    [Fact]
    public void Of_FiveSeedsAllPositive_IntervalFromStudentsTExcludesZero()
    {
        // mean 3, sample std √2.5; half-width t(0.975, 4) · √2.5 / √5 = 2.776445 · 0.707107 = 1.963243.
        PairedDifference d = PairedDifference.Of("source-only", [1, 2, 3, 4, 5]);

        Assert.Equal((5, 3.0), (d.Seeds, d.Mean));
        Assert.Equal(Math.Sqrt(2.5), d.Std, 1e-12);
        Assert.Equal(3 - 1.9632432, d.Low, 1e-6);
        Assert.Equal(3 + 1.9632432, d.High, 1e-6);
        Assert.True(d.Significant);
        Assert.Equal("+3.0 [+1.0, +5.0]", d.Describe());
    }

    [Fact]
    public void Of_IntervalContainsZero_SaysNoSignificantDifference()
    {
        // The seeds 4-6 kind of result: a small mean, a large spread.
        PairedDifference d = PairedDifference.Of("source-only", [-4.2, 3.1, -1.0, 2.5, -3.9]);

        Assert.True(d.Low < 0 && d.High > 0);
        Assert.False(d.Significant);
        Assert.EndsWith("no significant difference", d.Describe());
        Assert.StartsWith("-0.7 [-5.", d.Describe());
    }

    [Fact]
    public void Of_AllNegative_SignificantAndSignedBothEnds()
    {
        PairedDifference d = PairedDifference.Of("adaptsegnet", [-63.0, -64.1, -62.2, -65.5, -60.9]);
        Assert.True(d.Significant);
        Assert.True(d.High < 0);
        Assert.DoesNotContain("no significant", d.Describe());
    }

    [Fact]
    public void Of_OneSeed_NoIntervalAndNoConclusion()
    {
        PairedDifference d = PairedDifference.Of("source-only", [2.5]);
        Assert.True(double.IsNaN(d.Low) && double.IsNaN(d.High));
        Assert.False(d.Significant);
        Assert.Equal("+2.5 (one seed: no interval)", d.Describe());
    }

    [Fact]
    public void Of_TwoSeeds_UsesOneDegreeOfFreedom()
    {
        // mean 1, std √2, half-width 12.7062 · √2 / √2.
        PairedDifference d = PairedDifference.Of("source-only", [0, 2]);
        Assert.Equal(1 - 12.706204736, d.Low, 1e-8);
        Assert.Equal(1 + 12.706204736, d.High, 1e-8);
    }

    [Fact]
    public void Of_NoNumber_Refused()
    {
        Assert.Throws<ArgumentException>(() => PairedDifference.Of("source-only", [double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedDifference.Of("source-only", [1, 2], confidence: 1));
    }
}
