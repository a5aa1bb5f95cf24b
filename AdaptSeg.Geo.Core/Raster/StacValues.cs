namespace AdaptSeg.Geo.Raster;

/// <summary>How <see cref="StacItemRaster"/> reads band values.</summary>
public enum StacValues
{
    /// <summary>Physical values: <c>raw × scale + offset</c> from the Item's <c>raster:bands</c> (float32, nodata NaN).</summary>
    Physical,

    /// <summary>The values stored in the files, ignoring scale and offset (nodata still applied).</summary>
    Raw,
}
