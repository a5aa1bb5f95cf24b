namespace AdaptSeg.Geo.Raster;

/// <summary>
/// Which gdalwarp resampling to use, from the scale factor = output pixel size / input pixel size
/// (both in the grid's units; above 1 means shrinking).
/// </summary>
public static class ResamplingRules
{
    /// <summary>Imagery: bilinear, or average when shrinking by more than 2x (bilinear would alias).</summary>
    public static string ForImagery(double scale) => scale > 2.0 ? "average" : "bilinear";

    /// <summary>
    /// Labels: nearest, or mode (the majority class) when shrinking. Both only ever produce
    /// class values that exist in the input; always used with <c>-ovr NONE</c>, because overviews
    /// built with averaging invent class values.
    /// </summary>
    public static string ForLabels(double scale) => scale > 1.0 + 1e-9 ? "mode" : "near";
}
