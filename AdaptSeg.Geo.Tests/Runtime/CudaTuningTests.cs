using AdaptSeg.Geo.Runtime;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Runtime;

public sealed class CudaTuningTests
{
    [Fact]
    public void SetCudnnBenchmark_OnThenOff_IsReadBackFromLibtorch()
    {
        CudaTuning.SetCudnnBenchmark(true);
        Assert.True(CudaTuning.IsCudnnBenchmark());
        CudaTuning.SetCudnnBenchmark(false);
        Assert.False(CudaTuning.IsCudnnBenchmark());
    }

    [Fact]
    public void ToChannelsLast_SameShapeAndValues_NhwcStrides()
    {
        using var x = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);
        using var y = CudaTuning.ToChannelsLast(x);
        Assert.Equal(x.shape, y.shape);
        Assert.True(x.eq(y).all().item<bool>());
        Assert.Equal([60L, 1, 15, 3], y.stride());
    }
}
