namespace AdaptSeg.Geo.Models;

/// <summary>How <see cref="ModelInit"/> maps a file's weights onto a network.</summary>
public sealed record ModelInitOptions
{
    /// <summary>
    /// Names of the file's <c>conv1</c> input channels, in order (<c>model.init.bands</c>): for
    /// example red, green, blue for ImageNet weights. Null when not given: channels are then taken by position.
    /// </summary>
    public IReadOnlyList<string>? InitBands { get; init; }

    /// <summary>Names of the network's input bands, in order (the prepared data's); null when unknown.</summary>
    public IReadOnlyList<string>? InputBands { get; init; }
}
