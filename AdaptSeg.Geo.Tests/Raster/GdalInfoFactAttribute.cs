namespace AdaptSeg.Geo.Tests.Raster;

/// <summary>A fact that needs the gdalinfo program (gdal-bin); skipped where it is not installed.</summary>
public sealed class GdalInfoFactAttribute : FactAttribute
{
    public GdalInfoFactAttribute()
    {
        bool found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "gdalinfo")));
        if (!found)
        {
            Skip = "gdalinfo (gdal-bin) is not installed.";
        }
    }
}
