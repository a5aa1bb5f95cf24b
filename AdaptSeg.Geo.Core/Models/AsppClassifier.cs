using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// The DeepLab-v2 ASPP classifier (the reference <c>Classifier_Module</c>): parallel 3x3
/// convolutions with bias, one per dilation (padding = dilation, so the resolution is kept),
/// whose class scores are summed. With <c>allBranches: false</c> only the first two branches are
/// summed, as the reference does (see <see cref="DeepLabOptions.AsppAllBranches"/>).
/// </summary>
public sealed class AsppClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>The reference dilations (and paddings).</summary>
    public static IReadOnlyList<int> ReferenceDilations { get; } = [6, 12, 18, 24];

    // PyTorch attribute name: it makes the state-dict keys.
    private readonly ModuleList<Conv2d> conv2d_list;
    private readonly int branchesUsed;

    /// <param name="inChannels">Channels of the feature map.</param>
    /// <param name="numClasses">Output channels (class scores).</param>
    /// <param name="dilations">One 3x3 branch per dilation.</param>
    /// <param name="allBranches">Sum every branch (true) or only the first two, as the reference (false).</param>
    public AsppClassifier(long inChannels, int numClasses, IReadOnlyList<int> dilations, bool allBranches)
        : base(nameof(AsppClassifier))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        ArgumentNullException.ThrowIfNull(dilations);
        if (dilations.Count == 0 || dilations.Any(d => d < 1))
        {
            throw new ArgumentException($"ASPP dilations must be one or more positive integers; got [{string.Join(", ", dilations)}].", nameof(dilations));
        }

        conv2d_list = new ModuleList<Conv2d>();
        foreach (int dilation in dilations)
        {
            conv2d_list.Add(nn.Conv2d(inChannels, numClasses, kernel_size: 3, stride: 1, padding: dilation, dilation: dilation, bias: true));
        }

        branchesUsed = allBranches ? dilations.Count : Math.Min(2, dilations.Count);
        RegisterComponents();
    }

    /// <summary>How many branches contribute to the output.</summary>
    public int BranchesUsed => branchesUsed;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor sum = OneDnnSafeConvolution.Forward(conv2d_list[0], x);
        for (int i = 1; i < branchesUsed; i++)
        {
            sum = sum.add_(OneDnnSafeConvolution.Forward(conv2d_list[i], x));
        }

        return scope.MoveToOuter(sum);
    }
}
