namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>
/// The reference tests' element-wise comparison: relative to each element, with a floor of 1e-6 of
/// the largest reference magnitude for the elements near zero (gradients have many).
/// </summary>
public static class ReferenceComparison
{
    /// <summary>The worst relative error and where it is.</summary>
    public static (double Error, int At) Worst(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double scale = expected.Max(Math.Abs);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1e-6 * scale);
            if (!(error <= worst))
            {
                worst = error;
                at = i;
            }
        }

        return (worst, at);
    }

    /// <summary>Asserts the worst relative error is at most <paramref name="tolerance"/>; returns it.</summary>
    public static double AssertClose(string name, IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance = 1e-9)
    {
        var (error, at) = Worst(expected, actual);
        Assert.True(error <= tolerance, $"{name}[{at}] = {actual[at]:R}, reference {expected[at]:R}: relative error {error:E2} > {tolerance:E0}");
        return error;
    }
}
