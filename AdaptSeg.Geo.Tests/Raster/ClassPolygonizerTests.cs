using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Raster;

[Collection(GdalSerialCollection.Name)]
public sealed class ClassPolygonizerTests
{
    private static readonly ClassLegend Legend = ClassLegend.FromNames(["water", "field"]);

    [Fact]
    public void Write_TwoRegionsAndNoData_OnePolygonPerRegionWithNameAndArea()
    {
        using var temp = new TempDirectory();
        string mask = MakeMask(temp,
        [
            0, 0, 0, 1, 1, 1,
            0, 0, 0, 1, 1, 1,
            0, 0, 255, 1, 1, 1,
            0, 0, 0, 1, 1, 0,
        ]);
        string gpkg = temp.File("classes.gpkg");

        long count = ClassPolygonizer.Write(mask, gpkg, Legend);

        IReadOnlyList<ClassPolygon> polygons = ClassPolygonizer.Read(gpkg);
        Assert.Equal(3, count);
        Assert.Equal(3, polygons.Count);
        var water = polygons.Where(p => p.Class == 0).OrderByDescending(p => p.Area).ToList();
        Assert.Equal(["water", "water"], water.Select(p => p.ClassName));
        Assert.Equal(11 * 400.0, water[0].Area, 6); // 20 m pixels: 11 in the left block, 1 apart
        Assert.Equal(1 * 400.0, water[1].Area, 6);
        Assert.Equal(11 * 400.0, polygons.Single(p => p.Class == 1).Area, 6);
        Assert.Equal(water[0].Area, water[0].Geometry.Area, 6);
        Assert.DoesNotContain(temp.File("classes.gpkg.polygonize.gpkg"), Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Write_StoresDefaultQgisStyleCategorisedByClass()
    {
        using var temp = new TempDirectory();
        string mask = MakeMask(temp,
        [
            0, 0, 0, 1, 1, 1,
            0, 0, 0, 1, 1, 1,
            0, 0, 255, 1, 1, 1,
            0, 0, 0, 1, 1, 0,
        ]);
        string gpkg = temp.File("classes.gpkg");

        ClassPolygonizer.Write(mask, gpkg, Legend);

        IReadOnlyDictionary<string, string> style = ClassPolygonizer.ReadDefaultStyle(gpkg) ?? throw new Xunit.Sdk.XunitException("no default style row");
        Assert.Equal(("", "", "classes", "geom", "1"), (style["f_table_catalog"], style["f_table_schema"], style["f_table_name"], style["f_geometry_column"], style["useAsDefault"]));
        Assert.True(style.ContainsKey("update_time"));
        var qml = System.Xml.Linq.XDocument.Parse(style["styleQML"].Replace("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>", ""));
        var renderer = qml.Descendants("renderer-v2").Single();
        Assert.Equal(("categorizedSymbol", "class"), ((string?)renderer.Attribute("type"), (string?)renderer.Attribute("attr")));
        var categories = renderer.Descendants("category").Select(c => ((string?)c.Attribute("value"), (string?)c.Attribute("label"), (string?)c.Attribute("symbol"))).ToList();
        Assert.Equal([("0", "water", "0"), ("1", "field", "1")], categories);
        var colours = renderer.Descendants("symbol")
            .Select(s => (string?)s.Descendants("Option").Single(o => (string?)o.Attribute("name") == "color").Attribute("value"))
            .ToList();
        Assert.Equal([$"{Legend.Entries[0].Red},{Legend.Entries[0].Green},{Legend.Entries[0].Blue},255", $"{Legend.Entries[1].Red},{Legend.Entries[1].Green},{Legend.Entries[1].Blue},255"], colours);
        Assert.Equal(3, ClassPolygonizer.Read(gpkg).Count); // the polygons are untouched by the style table
    }

    [Fact]
    public void Write_MinimumArea_DropsSmallPolygons()
    {
        using var temp = new TempDirectory();
        string mask = MakeMask(temp, [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0]);

        ClassPolygonizer.Write(mask, temp.File("v.gpkg"), Legend, new PolygonOptions { MinimumArea = 500, SimplifyTolerance = 1 });

        IReadOnlyList<ClassPolygon> polygons = ClassPolygonizer.Read(temp.File("v.gpkg"));
        Assert.Equal(2, polygons.Count);
        Assert.All(polygons, p => Assert.True(p.Area >= 500));
    }

    private static string MakeMask(TempDirectory temp, byte[] values)
    {
        using var grid = GdalDataset.Create("MEM", "", 6, 4, 1, RasterDataType.Byte);
        using (var source = GdalDataset.Open(TestPaths.SampleData("cbers_rgb342_crop1.tif")))
        {
            grid.ProjectionWkt = source.ProjectionWkt;
        }

        grid.SetGeoTransform(new GeoTransform(600000, 20, 0, 8000000, 0, -20));
        string path = temp.File("mask.tif");
        using var writer = ClassMaskWriter.Create(path, grid, Legend);
        writer.WriteRows(0, 4, values, default);
        writer.Commit();
        return path;
    }
}
