namespace AdaptSeg.Geo.Data;

/// <summary>
/// One scene on the common grid. <see cref="ImagePath"/> is the aligned float32 multi-band
/// GeoTIFF with the bands already in channel order and nodata NaN; <see cref="LabelPath"/> the
/// aligned uint8 labels (255 = ignore) on exactly the same grid, or null. Paths are absolute.
/// </summary>
public sealed record PreparedScene(string Name, string ImagePath, string? LabelPath, int Width, int Height)
{
    /// <summary>
    /// Target scenes: labels to train on in self-training (pseudo-labels, uint8, 255 = ignore) on the
    /// same grid, or null. Kept apart from <see cref="LabelPath"/>, which of a target scene only scores.
    /// </summary>
    public string? TrainingLabelPath { get; init; }
}
