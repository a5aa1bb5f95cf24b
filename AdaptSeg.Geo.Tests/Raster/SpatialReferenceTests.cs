using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Raster;

public sealed class SpatialReferenceTests
{
    [Fact]
    public void FromUserInput_EpsgCode_ReportsCodeProjectedAndMetres()
    {
        using var srs = SpatialReference.FromUserInput("EPSG:32725");
        Assert.Equal(32725, srs.EpsgCode);
        Assert.True(srs.IsProjected);
        Assert.Equal(1.0, srs.LinearUnitInMetres);
        Assert.Contains("UTM zone 25S", srs.Name);
    }

    [Fact]
    public void FromWkt_CbersSample_IdentifiesEpsg29192()
    {
        using var ds = GdalDataset.Open(TestPaths.SampleData("cbers_rgb342_crop1.tif"));
        using var srs = SpatialReference.FromWkt(ds.ProjectionWkt, ds.Path);
        Assert.Equal(29192, srs.EpsgCode);
    }

    [Fact]
    public void IsSame_WktExportedAndReimported_IsSameButDiffersFromOtherZone()
    {
        using var a = SpatialReference.FromUserInput("EPSG:31985");
        using var b = SpatialReference.FromWkt(a.Wkt);
        using var c = SpatialReference.FromUserInput("EPSG:31984");
        Assert.True(a.IsSame(b));
        Assert.False(a.IsSame(c));
    }

    [Fact]
    public void FromWkt_Empty_ThrowsNamingFileAndAssumeCrs()
    {
        var e = Assert.Throws<GdalException>(() => SpatialReference.FromWkt("", "/data/nocrs.tif"));
        Assert.Contains("/data/nocrs.tif", e.Message);
        Assert.Contains("PrepareConfig.AssumeCrs", e.Message);
    }

    [Fact]
    public void FromUserInput_Nonsense_Throws()
    {
        var e = Assert.Throws<GdalException>(() => SpatialReference.FromUserInput("EPSG:99999999"));
        Assert.Contains("EPSG:99999999", e.Message);
    }

    [Fact]
    public void Transform_LonLatToUtmAndBack_RoundTripsWithinMillimetre()
    {
        using var wgs = SpatialReference.FromUserInput("EPSG:4326");
        using var utm = SpatialReference.FromUserInput("EPSG:31985");
        double[] x = [-34.87];
        double[] y = [-8.0];
        wgs.Transform(utm, x, y);
        Assert.InRange(x[0], 280_000, 310_000); // longitude first: traditional GIS order
        Assert.InRange(y[0], 9_100_000, 9_130_000);
        utm.Transform(wgs, x, y);
        Assert.Equal(-34.87, x[0], 1e-8);
        Assert.Equal(-8.0, y[0], 1e-8);
    }
}
