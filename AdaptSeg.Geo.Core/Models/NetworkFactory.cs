using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Models;

/// <summary>Builds the segmentation network a configuration's <c>model</c> block describes.</summary>
public static class NetworkFactory
{
    /// <summary>The network options of <paramref name="model"/>: backbone, output stride, heads and batch-norm behaviour, width.</summary>
    public static DeepLabOptions Options(ModelConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new DeepLabOptions
        {
            Backbone = model.Backbone,
            OutputStride = model.OutputStride,
            AsppAllBranches = model.AsppAllBranches,
            FrozenBatchNormStatistics = model.FreezeBatchNormStatistics,
            TrainableBatchNorm = model.TrainableBatchNorm,
            Width = model.Width,
        };
    }

    /// <summary>
    /// A new network for <paramref name="classes"/> classes and <paramref name="bands"/> input bands, with
    /// <paramref name="model"/>'s blocks (or depth) and options, initialised as its backbone's reference is
    /// (see <see cref="DeepLabMulti"/>); load <c>model.init</c> into it with <see cref="ModelInit"/>.
    /// </summary>
    public static DeepLabMulti Create(ModelConfig model, int classes, int bands)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new DeepLabMulti(classes, bands, model.Blocks ?? DeepLabMulti.BlocksForDepth(model.Depth), Options(model));
    }
}
