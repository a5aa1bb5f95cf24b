using AdaptSeg.Geo.Experiments;

namespace AdaptSeg.Geo.Tests.Experiments;

/// <summary>
/// Student's t against known values: the two-sided 95 % quantiles of every statistics table (to the
/// table's digits, and to 1e-9 against 30-digit values from mpmath's incomplete beta), other
/// probabilities, a non-integer df, and the normal limit.
/// </summary>
public sealed class StudentTTests
{
    [Theory]
    [InlineData(1, 12.706204736174705)]
    [InlineData(2, 4.3026527297494639)]
    [InlineData(3, 3.1824463052837096)]
    [InlineData(4, 2.7764451051977944)]
    [InlineData(5, 2.5705818356363155)]
    [InlineData(9, 2.2621571627982055)]
    [InlineData(29, 2.0452296421327043)]
    [InlineData(100, 1.9839715185235523)]
    [InlineData(1000, 1.9623390808264085)]
    public void Quantile_TwoSided95_MatchesTheTables(int degreesOfFreedom, double expected)
    {
        double t = StudentT.Quantile(0.975, degreesOfFreedom);
        Assert.Equal(expected, t, expected * 1e-9);
    }

    [Fact]
    public void Quantile_FiveSeeds_Is2Point776445()
    {
        Assert.Equal(2.776445, Math.Round(StudentT.Quantile(0.975, 4), 6));
    }

    [Theory]
    [InlineData(0.995, 4, 4.6040948713499932)]
    [InlineData(0.9, 1, 3.0776835371752534)]
    [InlineData(0.975, 2.5, 3.5746548420036832)]
    [InlineData(0.999999, 3, 103.29946778041934)]
    public void Quantile_OtherProbabilitiesAndFractionalDegrees_MatchHighPrecisionValues(double p, double degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, StudentT.Quantile(p, degreesOfFreedom), expected * 1e-9);
    }

    [Fact]
    public void Quantile_LowerTail_IsTheNegatedUpper()
    {
        Assert.Equal(-StudentT.Quantile(0.975, 4), StudentT.Quantile(0.025, 4), 1e-12);
        Assert.Equal(0.0, StudentT.Quantile(0.5, 7));
    }

    [Fact]
    public void Quantile_ManyDegrees_ApproachesTheNormal()
    {
        Assert.Equal(1.959963984540054, StudentT.Quantile(0.975, 1e7), 1e-6);
    }

    [Theory]
    [InlineData(1.5, 7, 0.91135075650501498)]
    [InlineData(0, 3, 0.5)]
    [InlineData(-12.706204736174705, 1, 0.025)]
    public void Cdf_KnownValues(double t, double degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, StudentT.Cdf(t, degreesOfFreedom), 1e-12);
    }

    [Theory]
    [InlineData(0.6, 2)]
    [InlineData(0.975, 4)]
    [InlineData(0.9999, 17)]
    [InlineData(0.01, 60)]
    public void Cdf_OfTheQuantile_GivesTheProbabilityBack(double p, int degreesOfFreedom)
    {
        Assert.Equal(p, StudentT.Cdf(StudentT.Quantile(p, degreesOfFreedom), degreesOfFreedom), 1e-12);
    }

    [Fact]
    public void RegularizedIncompleteBeta_ClosedForms()
    {
        Assert.Equal(0.3, StudentT.RegularizedIncompleteBeta(0.3, 1, 1), 1e-14); // uniform
        Assert.Equal(0.5, StudentT.RegularizedIncompleteBeta(0.5, 4.5, 4.5), 1e-14); // symmetric
        Assert.Equal(1 - Math.Pow(1 - 0.2, 3), StudentT.RegularizedIncompleteBeta(0.2, 1, 3), 1e-14); // I_x(1, b) = 1 - (1-x)^b
        Assert.Equal(Math.Pow(0.7, 5), StudentT.RegularizedIncompleteBeta(0.7, 5, 1), 1e-14); // I_x(a, 1) = x^a
    }

    [Fact]
    public void LogGamma_KnownValues()
    {
        Assert.Equal(0.5 * Math.Log(Math.PI), StudentT.LogGamma(0.5), 1e-14);
        Assert.Equal(Math.Log(362880), StudentT.LogGamma(10), 1e-12);
        Assert.Equal(0.0, StudentT.LogGamma(1), 1e-14);
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI) / 2), StudentT.LogGamma(1.5), 1e-14);
        Assert.Equal(Math.Log(3 * Math.Sqrt(Math.PI) / 4), StudentT.LogGamma(2.5), 1e-14);
        Assert.Equal(1.2880225246980772, StudentT.LogGamma(0.25), 1e-13); // ln Γ(1/4), through the reflection
        Assert.Equal(469.3360974421906, StudentT.LogGamma(123.4), 1e-10);
    }

    [Theory]
    [InlineData(0.975, 0)]
    [InlineData(0.975, -1)]
    [InlineData(0.975, double.NaN)]
    [InlineData(1.0, 4)]
    [InlineData(0.0, 4)]
    [InlineData(double.NaN, 4)]
    public void Quantile_OutOfRange_Refused(double p, double degreesOfFreedom)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(p, degreesOfFreedom));
    }
}
