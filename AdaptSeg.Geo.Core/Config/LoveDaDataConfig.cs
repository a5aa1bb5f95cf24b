namespace AdaptSeg.Geo.Config;

/// <summary>
/// LoveDA (Wang et al., NeurIPS 2021 Datasets and Benchmarks) as training data: labelled source images
/// of one domain and unlabelled target images of the other, read from the dataset's own layout
/// <c>{Train,Val,Test}/{Rural,Urban}/{images_png,masks_png}</c>. The defaults are the official UDA
/// protocol of the LoveDA code: source from <c>Train</c>, target images from <c>Val</c>, 512-px random crops.
/// </summary>
public sealed record LoveDaDataConfig
{
    /// <summary>The folder holding <c>Train/</c>, <c>Val/</c> and <c>Test/</c>.</summary>
    public required string Root { get; init; }

    /// <summary>The labelled domain.</summary>
    public required LoveDaDomain Source { get; init; }

    /// <summary>The unlabelled domain.</summary>
    public required LoveDaDomain Target { get; init; }

    /// <summary>Split of the source images and masks (the reference: Train).</summary>
    public LoveDaSplit SourceSplit { get; init; } = LoveDaSplit.Train;

    /// <summary>Split of the target images, whose masks are never read (the reference: Val).</summary>
    public LoveDaSplit TargetSplit { get; init; } = LoveDaSplit.Val;

    /// <summary>Side of the square random crops of both domains (the reference: 512).</summary>
    public int CropSize { get; init; } = 512;
}
