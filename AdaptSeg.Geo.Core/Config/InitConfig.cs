namespace AdaptSeg.Geo.Config;

/// <summary>
/// Initial weights (<c>model.init</c>): a file path, or <c>{ "path": ..., "bands": [...] }</c> naming the
/// file's first-layer input channels so that each band of the data takes the channel of its name.
/// </summary>
[JsonStringShorthand(nameof(Path))]
public sealed record InitConfig
{
    /// <summary>
    /// The file, relative to the configuration: a model.pth from <c>adaptseg train</c> (training continues
    /// from it), or pretrained ResNet weights (.pth zip or legacy, .safetensors) from torchvision, timm or torchgeo,
    /// or the DeepLab-v2 ImageNet/COCO initialisation.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>
    /// Names of the file's <c>conv1</c> input channels, in order: <c>["red", "green", "blue"]</c> for ImageNet
    /// weights, torchgeo's 13 Sentinel-2 bands for its multispectral ResNets. Null: channels are taken by position.
    /// </summary>
    public IReadOnlyList<string>? Bands { get; init; }
}
