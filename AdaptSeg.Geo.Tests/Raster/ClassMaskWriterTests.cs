using System.Xml.Linq;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Raster;

[Collection(GdalSerialCollection.Name)]
public sealed class ClassMaskWriterTests
{
    private static readonly ClassLegend Legend = ClassLegend.FromNames(["water", "vegetation", "other"]);

    [Theory]
    [InlineData(false, "DEFLATE")]
    [InlineData(true, "ZSTD")]
    public void Commit_Reopened_HasGridNoDataColoursNamesAndAttributeTable(bool cog, string compression)
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        byte[] classes = Pattern(grid.Width, grid.Height);
        string path = temp.File("mask.tif");

        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = cog, Compression = compression }))
        {
            writer.WriteRows(0, 100, classes.AsSpan(0, 100 * grid.Width), default);
            writer.WriteRows(100, grid.Height - 100, classes.AsSpan(100 * grid.Width), default);
            Assert.False(File.Exists(path), "the final name appears only when complete");
            writer.Commit();
        }

        Assert.Equal(["mask.qml", "mask.tif", "mask.tif.aux.xml"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
        using var mask = PamDataset.Open(path);
        Assert.Equal((grid.Width, grid.Height, 1), (mask.Width, mask.Height, mask.BandCount));
        Assert.Equal(grid.ProjectionWkt, mask.ProjectionWkt);
        Assert.Equal(grid.GeoTransform, mask.GeoTransform);
        Assert.Equal(RasterDataType.Byte, mask.GetDataType(1));
        Assert.Equal(255, mask.GetNoData(1));
        Assert.Equal(compression, RasterLayout.ImageStructure(mask, "COMPRESSION"));
        var back = new byte[classes.Length];
        mask.Read<byte>(1, new PixelWindow(0, 0, mask.Width, mask.Height), back);
        Assert.Equal(classes, back);

        var colours = RasterClassStyle.ReadColorTable(mask, 1);
        Assert.Equal((31, 119, 180, 255), ((int)colours[0].R, (int)colours[0].G, (int)colours[0].B, (int)colours[0].A));
        Assert.Equal(Legend.Entries[2].Red, colours[2].R);
        Assert.Equal(0, colours[255].A);
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mask, 1));
        Assert.Equal("nodata", RasterClassStyle.ReadCategoryNames(mask, 1)[255]);
        using (var plain = GdalDataset.Open(path))
        {
            // Without the sidecar the names still travel inside the TIFF as band metadata.
            Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(plain, 1));
        }

        var (columns, rows) = RasterClassStyle.ReadAttributeTable(mask, 1);
        Assert.Equal(["Value", "Class", "Red", "Green", "Blue"], columns);
        Assert.Equal(["1", "vegetation", "44", "160", "44"], rows[1]);
        if (cog)
        {
            Assert.Equal("COG", RasterLayout.ImageStructure(mask, "LAYOUT"));
        }
    }

    [Fact]
    public void Commit_CogOfLargeMask_HasModeOverviews()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 2048, 1024, 1, RasterDataType.Byte);
        string path = temp.File("cog.tif");
        byte[] classes = Pattern(2048, 1024);
        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = true }))
        {
            writer.WriteRows(0, 1024, classes, default);
            writer.Commit();
        }

        using var mask = PamDataset.Open(path);
        Assert.True(RasterLayout.OverviewCount(mask) >= 1);
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mask, 1));
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNothingBehind()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        string path = temp.File("mask.tif");
        File.WriteAllText(path, "the user's older file");
        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = true }))
        {
            writer.WriteRows(0, 10, new byte[10 * grid.Width], default);
        }

        Assert.Equal(["mask.tif"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.Equal("the user's older file", File.ReadAllText(path));
    }

    [Fact]
    public void Create_MissingFolder_ThrowsNamingIt()
    {
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => ClassMaskWriter.Create("/nonexistent-adaptseg/mask.tif", grid, Legend));
        Assert.Contains("/nonexistent-adaptseg", e.Message);
    }

    [Fact]
    public void ProbabilityRaster_Percent_BandsNamedAfterClassesNoDataWhereMaskIsNoData()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 4, 2, 1, RasterDataType.Byte);
        string path = temp.File("p.tif");
        byte[] classes = [0, 1, 255, 1, 0, 0, 1, 1];
        // rows x classes x width
        float[] p = [0.9f, 0.2f, 0.5f, 0.4f, /**/ 0.1f, 0.8f, 0.5f, 0.6f, /* row 2 */ 0.7f, 0.544f, 0f, 0.3f, /**/ 0.3f, 0.456f, 1f, 0.7f];
        using (var writer = new ProbabilityRasterWriter(path, grid, ClassLegend.FromNames(["a", "b"]), ProbabilityFormat.Percent))
        {
            writer.WriteRows(0, 2, classes, p);
            writer.Commit();
        }

        using var raster = GdalDataset.Open(path);
        Assert.Equal(2, raster.BandCount);
        Assert.Equal(["a", "b"], new[] { RasterLayout.BandDescription(raster, 1), RasterLayout.BandDescription(raster, 2) });
        var b = new byte[8];
        raster.Read<byte>(2, new PixelWindow(0, 0, 4, 2), b);
        Assert.Equal(new byte[] { 10, 80, 255, 60, 30, 46, 100, 70 }, b);
    }

    [CogValidatorFact]
    public void Commit_Cog_PassesGdalValidatorAndKeepsNamesMetadataAndAttributeTable()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 2048, 1024, 1, RasterDataType.Byte);
        string path = temp.File("cog.tif");
        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = true }))
        {
            writer.WriteRows(0, 1024, Pattern(2048, 1024), default);
            writer.Commit();
        }

        AssertValidCog(path);
        using (var mask = PamDataset.Open(path))
        {
            Assert.True(RasterLayout.OverviewCount(mask) >= 1);
            Assert.Equal("Palette", RasterClassStyle.ReadColorInterpretation(mask, 1));
            Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadCategoryNames(mask, 1).Take(3));
            Assert.Equal("nodata", RasterClassStyle.ReadCategoryNames(mask, 1)[255]);
            var (columns, rows) = RasterClassStyle.ReadAttributeTable(mask, 1);
            Assert.Equal(["Value", "Class", "Red", "Green", "Blue"], columns);
            Assert.Equal([["0", "water", "31", "119", "180"], ["1", "vegetation", "44", "160", "44"], ["2", "other", "210", "180", "140"]], rows);
            var colours = RasterClassStyle.ReadColorTable(mask, 1);
            Assert.Equal((44, 160, 44, 255), ((int)colours[1].R, (int)colours[1].G, (int)colours[1].B, (int)colours[1].A));
            Assert.Equal(0, colours[255].A); // nodata; a TIFF colour map has no alpha for the other unused values
        }

        using var plain = GdalDataset.Open(path); // no sidecar: the CLASS_* metadata inside the TIFF
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(plain, 1));
    }

    [CogValidatorFact]
    public void ProbabilityRaster_Cog_PassesGdalValidatorInBothFormats()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 1500, 700, 1, RasterDataType.Byte);
        var legend = ClassLegend.FromNames(["a", "b", "c"]);
        byte[] classes = Pattern(1500, 700);
        var p = new float[3 * classes.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (i % 101) / 100f;
        }

        foreach (ProbabilityFormat format in new[] { ProbabilityFormat.Percent, ProbabilityFormat.Float32 })
        {
            string path = temp.File($"p-{format}.tif");
            using (var writer = new ProbabilityRasterWriter(path, grid, legend, format, new MaskOutputOptions { Cog = true }))
            {
                writer.WriteRows(0, 700, classes, p);
                writer.Commit();
            }

            AssertValidCog(path);
            using var raster = PamDataset.Open(path);
            Assert.Equal(["a", "b", "c"], Enumerable.Range(1, 3).Select(b => RasterLayout.BandDescription(raster, b)));
            Assert.Equal(["Undefined", "Undefined"], Enumerable.Range(2, 2).Select(b => RasterClassStyle.ReadColorInterpretation(raster, b)));
        }
    }

    [Fact]
    public void ProbabilityRaster_ThreeClasses_BandsAreNotTaggedRgb()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 4, 2, 1, RasterDataType.Byte);
        string path = temp.File("p.tif");
        using (var writer = new ProbabilityRasterWriter(path, grid, ClassLegend.FromNames(["a", "b", "c"]), ProbabilityFormat.Percent))
        {
            writer.WriteRows(0, 2, new byte[8], new float[24]);
            writer.Commit();
        }

        using var raster = GdalDataset.Open(path);
        var interpretations = Enumerable.Range(1, 3).Select(b => RasterClassStyle.ReadColorInterpretation(raster, b)).ToList();
        Assert.DoesNotContain("Red", interpretations);
        Assert.DoesNotContain("Green", interpretations);
        Assert.DoesNotContain("Blue", interpretations);
        Assert.Equal(["Undefined", "Undefined"], interpretations.Skip(1));
    }

    [Fact]
    public void Commit_WritesQgisStyleWithOnlyTheLegendsClasses()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 8, 4, 1, RasterDataType.Byte);
        string path = temp.File("mask.tif");
        File.WriteAllText(temp.File("mask.qml"), "an older style");
        using (var writer = ClassMaskWriter.Create(path, grid, Legend))
        {
            writer.WriteRows(0, 4, new byte[32], default);
            Assert.Equal("an older style", File.ReadAllText(temp.File("mask.qml")));
            writer.Commit();
            Assert.Equal(temp.File("mask.qml"), writer.StylePath);
        }

        var qml = XDocument.Load(temp.File("mask.qml"));
        XElement renderer = qml.Descendants("rasterrenderer").Single();
        Assert.Equal(("paletted", "1"), ((string?)renderer.Attribute("type"), (string?)renderer.Attribute("band")));
        var entries = renderer.Element("colorPalette")!.Elements("paletteEntry")
            .Select(e => ((string?)e.Attribute("value"), (string?)e.Attribute("color"), (string?)e.Attribute("label"), (string?)e.Attribute("alpha")))
            .ToList();
        Assert.Equal([("0", "#1f77b4", "water", "255"), ("1", "#2ca02c", "vegetation", "255"), ("2", "#d2b48c", "other", "255")], entries);
        Assert.Equal("", (string?)renderer.Attribute("nodataColor")); // transparent
    }

    [Fact]
    public void Create_PathEndingInQml_IsRefusedBeforeWriting()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Create("MEM", "", 8, 4, 1, RasterDataType.Byte);
        var e = Assert.Throws<ArgumentException>(() => ClassMaskWriter.Create(temp.File("mask.qml"), grid, Legend));
        Assert.Contains("mask.qml", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [PythonFact("qgis.core", "python3-qgis")]
    public void Qgis_LoadsMaskAndPolygons_WithOnlyTheClassesInTheirColours()
    {
        using var temp = new TempDirectory();
        using var grid = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        string path = temp.File("mask.tif");
        using (var writer = ClassMaskWriter.Create(path, grid, Legend, new MaskOutputOptions { Cog = true }))
        {
            writer.WriteRows(0, grid.Height, Pattern(grid.Width, grid.Height), default);
            writer.Commit();
        }

        string gpkg = temp.File("classes.gpkg");
        ClassPolygonizer.Write(path, gpkg, Legend);
        const string script = """
            import os, sys
            from qgis.core import QgsApplication, QgsRasterLayer, QgsVectorLayer
            app = QgsApplication([], False)
            app.initQgis()
            raster = QgsRasterLayer(sys.argv[1], "mask")
            assert raster.isValid(), "raster did not load"
            r = raster.renderer()
            print("raster", r.type(), r.band(), len(r.classes()))
            for c in r.classes():
                print("class", int(c.value), c.color.name(), c.color.alpha(), c.label)
            vector = QgsVectorLayer(sys.argv[2] + "|layername=classes", "classes", "ogr")
            assert vector.isValid(), "polygons did not load"
            v = vector.renderer()
            print("vector", v.type(), v.classAttribute(), len(v.categories()))
            for c in v.categories():
                print("category", c.value(), c.symbol().color().name(), c.label())
            sys.stdout.flush()
            os._exit(0)  # QgsApplication.exitQgis() can crash while tearing down offscreen Qt
            """;
        var (exit, output) = ExternalPython.RunScript(script, [path, gpkg], TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["QT_QPA_PLATFORM"] = "offscreen" });
        Assert.True(exit == 0, output);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries).ToList();
        Assert.Contains("raster paletted 1 3", lines);
        Assert.Contains("class 0 #1f77b4 255 water", lines);
        Assert.Contains("class 1 #2ca02c 255 vegetation", lines);
        Assert.Contains("class 2 #d2b48c 255 other", lines);
        Assert.Contains("vector categorizedSymbol class 3", lines);
        Assert.Contains("category 0 #1f77b4 water", lines);
        Assert.Contains("category 2 #d2b48c other", lines);
    }

    private static void AssertValidCog(string path)
    {
        var (exit, output) = ExternalPython.Run([ExternalPython.CogValidator!, path], TimeSpan.FromMinutes(2));
        Assert.True(exit == 0 && output.Contains("is a valid cloud optimized GeoTIFF", StringComparison.Ordinal), $"GDAL's validator on {path}: {output}");
    }

    private static byte[] Pattern(int width, int height)
    {
        var classes = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                classes[y * width + x] = (x / 7 + y / 5) % 4 is var c && c == 3 ? (byte)255 : (byte)c;
            }
        }

        return classes;
    }
}
