namespace AdaptSeg.Geo.Raster;

/// <summary>Pixel format of a probability raster.</summary>
public enum ProbabilityFormat
{
    /// <summary>uint8 percent: <c>round(100 p)</c>, 0..100, nodata 255. Small; 1 % steps.</summary>
    Percent,

    /// <summary>float32 probabilities 0..1, nodata NaN. Exact.</summary>
    Float32,
}
