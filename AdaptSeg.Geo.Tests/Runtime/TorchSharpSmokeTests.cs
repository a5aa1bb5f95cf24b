using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Runtime;

public sealed class TorchSharpSmokeTests
{
    [Fact]
    public void TinyConvNet_FewSgdSteps_LossFalls()
    {
        torch.manual_seed(7);
        using var scope = NewDisposeScope();
        var net = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding: 1),
            nn.ReLU(),
            nn.Conv2d(8, 2, 1));
        var optimiser = optim.Adam(net.parameters(), 0.05);
        var x = randn(4, 3, 8, 8);
        var y = (x[.., 0] > 0).to(ScalarType.Int64);

        var losses = new List<double>();
        for (int step = 0; step < 30; step++)
        {
            optimiser.zero_grad();
            var loss = nn.functional.cross_entropy(net.call(x), y);
            loss.backward();
            optimiser.step();
            losses.Add(loss.item<float>());
        }

        Assert.True(losses[^1] < 0.5 * losses[0], $"loss went {losses[0]:F4} -> {losses[^1]:F4}");
    }

    [CudaFact]
    public void ResolveDevice_CudaWithGpu_TensorsRunThere()
    {
        var device = TorchRuntime.ResolveDevice("cuda");
        using var sum = ones(8, 8, device: device).sum();
        Assert.Equal(64f, sum.cpu().item<float>());
    }

    [Fact]
    public void ResolveDevice_Cpu_ReturnsCpu()
    {
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("cpu").type);
    }

    [Fact]
    public void ResolveDevice_Typo_ThrowsNamingTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice("cdua"));
        Assert.Contains("cdua", e.Message);
    }

    [NoCudaFact]
    public void ResolveDevice_CudaWithoutGpu_ThrowsWithFixAndAutoFallsBackToCpu()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => TorchRuntime.ResolveDevice("cuda"));
        Assert.Contains("the device 'cpu'", e.Message);
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("auto").type);
    }
}
