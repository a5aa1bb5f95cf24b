using AdaptSeg.Geo.Training;

namespace AdaptSeg.Geo.Tests.Training;

public sealed class PolyLearningRateTests
{
    [Theory]
    [InlineData(0, 2.5e-4)]
    [InlineData(125000, 1.3397168281703664e-4)] // 2.5e-4 * 0.5^0.9
    [InlineData(250000, 0.0)]
    public void At_PaperSchedule_MatchesFormula(int iteration, double expected)
    {
        Assert.Equal(expected, PolyLearningRate.At(2.5e-4, iteration, 250000, 0.9), 15);
    }
}
