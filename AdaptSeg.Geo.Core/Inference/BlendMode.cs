namespace AdaptSeg.Geo.Inference;

/// <summary>How overlapping tile predictions are combined.</summary>
public enum BlendMode
{
    /// <summary>
    /// A 2-D Hann window (the product of two 1-D Hann windows): tile centres count most, edges
    /// least; the default, with 50 % overlap.
    /// </summary>
    Hann,

    /// <summary>
    /// Centre crop: each pixel takes the tile whose centre part (the tile less half the overlap on
    /// each inner side) holds it. Faster to reason about, usable with small overlaps.
    /// </summary>
    CenterCrop,
}
