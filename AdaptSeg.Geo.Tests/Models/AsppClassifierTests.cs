using AdaptSeg.Geo.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

public sealed class AsppClassifierTests
{
    [Fact]
    public void Forward_ReferenceMode_SumsOnlyTheDilation6And12Branches()
    {
        using var scope = NewDisposeScope();
        using var head = new AsppClassifier(8, 3, AsppClassifier.ReferenceDilations, allBranches: false);
        using var noGrad = no_grad();
        Tensor x = randn(1, 8, 30, 30);

        Tensor output = head.call(x);

        var branches = Branches(head, x);
        Assert.Equal(2, head.BranchesUsed);
        Assert.True(output.allclose(branches[0] + branches[1], rtol: 1e-5, atol: 1e-6));
        Assert.False(output.allclose(branches[0] + branches[1] + branches[2] + branches[3], rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void Forward_AllBranches_SumsEveryBranchAndKeepsResolution()
    {
        using var scope = NewDisposeScope();
        using var head = new AsppClassifier(8, 3, AsppClassifier.ReferenceDilations, allBranches: true);
        using var noGrad = no_grad();
        Tensor x = randn(1, 8, 30, 30);

        Tensor output = head.call(x);

        var branches = Branches(head, x);
        Assert.Equal([1L, 3, 30, 30], output.shape);
        Assert.True(output.allclose(branches[0] + branches[1] + branches[2] + branches[3], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Constructor_NonPositiveDilation_ThrowsNamingTheDilations()
    {
        var error = Assert.Throws<ArgumentException>(() => new AsppClassifier(8, 3, [6, 0], allBranches: false));
        Assert.Contains("[6, 0]", error.Message);
    }

    private static List<Tensor> Branches(AsppClassifier head, Tensor x) =>
        head.named_children().Single().module.children().Cast<Conv2d>().Select(c => c.call(x)).ToList();
}
