using AdaptSeg.Geo.Models;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

public sealed class InputBandAdapterTests
{
    [Fact]
    public void Adapt_ThreeBands_ReturnsAnEqualCopy()
    {
        using var scope = NewDisposeScope();
        Tensor rgb = randn(64, 3, 7, 7);

        Tensor adapted = InputBandAdapter.Adapt(rgb, 3);

        Assert.True(adapted.equal(rgb).all().item<bool>());
        adapted.add_(1);
        Assert.False(adapted.allclose(rgb), "the result must not share storage with the pretrained weights");
    }

    [Fact]
    public void Adapt_TwoBands_TakesTheFirstTwoFilters()
    {
        using var scope = NewDisposeScope();
        Tensor rgb = randn(64, 3, 7, 7);

        Tensor adapted = InputBandAdapter.Adapt(rgb, 2);

        Assert.Equal([64L, 2, 7, 7], adapted.shape);
        Assert.True(adapted.allclose(rgb.narrow(1, 0, 2), rtol: 0, atol: 0));
    }

    [Fact]
    public void Adapt_SixBands_RgbThenMeansAllScaledByThreeSixths()
    {
        using var scope = NewDisposeScope();
        Tensor rgb = randn(64, 3, 7, 7, dtype: ScalarType.Float64);

        Tensor adapted = InputBandAdapter.Adapt(rgb, 6);

        Assert.Equal([64L, 6, 7, 7], adapted.shape);
        Assert.True(adapted.narrow(1, 0, 3).allclose(rgb * 0.5, rtol: 1e-12, atol: 0));
        Tensor mean = rgb.mean([1], keepdim: true) * 0.5;
        for (int band = 3; band < 6; band++)
        {
            Assert.True(adapted.narrow(1, band, 1).allclose(mean, rtol: 1e-12, atol: 1e-15));
        }
    }

    [Fact]
    public void Adapt_MoreBands_GreyImageGivesThePretrainedResponse()
    {
        using var scope = NewDisposeScope();
        Tensor rgb = randn(16, 3, 7, 7, dtype: ScalarType.Float64);
        Tensor grey = randn(1, 1, 20, 20, dtype: ScalarType.Float64);

        Tensor adapted = InputBandAdapter.Adapt(rgb, 7);

        Tensor pretrainedResponse = nn.functional.conv2d(grey.expand(1, 3, 20, 20), rgb);
        Tensor adaptedResponse = nn.functional.conv2d(grey.expand(1, 7, 20, 20), adapted);
        Assert.True(adaptedResponse.allclose(pretrainedResponse, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Plan_BothSidesNamed_EachBandTakesItsNamesChannelIgnoringCaseAndTheRestTheMean()
    {
        IReadOnlyList<BandSource> plan = InputBandAdapter.Plan(3, 4, ["red", "green", "blue"], ["NIR", "Red", "blue", "swir16"]);

        Assert.Equal([null, 0, 2, (int?)null], plan.Select(p => p.Channel));
        Assert.Equal(["NIR", "Red", "blue", "swir16"], plan.Select(p => p.Name));
        Assert.Equal([null, "red", "blue", null], plan.Select(p => p.ChannelName));
        Assert.All(plan, p => Assert.True(p.ByName));
    }

    [Fact]
    public void Apply_NamedPlanWithMoreBands_SelectedFiltersAndMeansScaledByCOverN()
    {
        using var scope = NewDisposeScope();
        Tensor rgb = randn(8, 3, 7, 7, dtype: ScalarType.Float64);
        IReadOnlyList<BandSource> plan = InputBandAdapter.Plan(3, 4, ["red", "green", "blue"], ["blue", "nir", "red", "green"]);

        Tensor adapted = InputBandAdapter.Apply(rgb, plan);

        Assert.True(adapted.narrow(1, 0, 1).allclose(rgb.narrow(1, 2, 1) * 0.75, rtol: 1e-12, atol: 0));
        Assert.True(adapted.narrow(1, 1, 1).allclose(rgb.mean([1], keepdim: true) * 0.75, rtol: 1e-12, atol: 1e-15));
        Assert.True(adapted.narrow(1, 2, 1).allclose(rgb.narrow(1, 0, 1) * 0.75, rtol: 1e-12, atol: 0));
    }

    [Fact]
    public void Plan_NamesOnOneSideOnly_ByPosition()
    {
        IReadOnlyList<BandSource> plan = InputBandAdapter.Plan(3, 2, ["red", "green", "blue"], null);

        Assert.Equal([0, 1], plan.Select(p => p.Channel ?? -1));
        Assert.Equal(["red", "green"], plan.Select(p => p.ChannelName));
        Assert.All(plan, p => Assert.False(p.ByName));
    }

    [Theory]
    [InlineData(new[] { "red", "green" }, "2 name(s) for 3 pretrained channel(s)")]
    [InlineData(new[] { "red", "RED", "blue" }, "'red' is given twice")]
    public void Plan_BadPretrainedNames_ThrowsSayingWhy(string[] names, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => InputBandAdapter.Plan(3, 3, names, ["red", "green", "blue"]));

        Assert.Contains(expected, e.Message);
        Assert.Equal("pretrainedNames", e.ParamName);
    }

    [Fact]
    public void Adapt_NotAConvolutionWeight_ThrowsWithTheShape()
    {
        using var weights = randn(64, 3);
        var error = Assert.Throws<ArgumentException>(() => InputBandAdapter.Adapt(weights, 4));
        Assert.Contains("[64, 3]", error.Message);
    }
}
