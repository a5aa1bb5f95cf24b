using System.Text.Json;
using System.Text.Json.Nodes;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

[Collection(GdalSerialCollection.Name)]
public sealed class PredictionStacItemTests
{
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");
    private static readonly ClassLegend Legend = ClassLegend.FromNames(["water", "vegetation", "other"]);

    private static PredictionSummary Predict(TempDirectory temp, bool cog, string? stacSource = null, bool sourceIsItem = false, bool stacItem = true) =>
        RasterPrediction.Run(new PredictionRequest
        {
            InputPath = Labels,
            Bands = [1],
            MaskPath = temp.File("mask.tif"),
            Legend = Legend,
            Stitch = new StitchOptions { TileSize = 256, Overlap = 64, BatchSize = 2 },
            MaskOptions = new MaskOutputOptions { Cog = cog },
            ProbabilityPath = temp.File("prob.tif"),
            StacSource = stacSource,
            StacSourceIsItem = sourceIsItem,
            StacItem = stacItem,
        }, new OneHotBandPredictor(3));

    [StacSchemaFact]
    public void Run_Default_WritesASchemaValidItemWithProjectionClassesAndLabel()
    {
        using var temp = new TempDirectory();
        PredictionSummary summary = Predict(temp, cog: true);
        string item = PredictionStacItem.PathFor(summary.MaskPath);
        Assert.Equal(temp.File("mask.stac.json"), item);
        StacSchemas.AssertValid(item);

        JsonNode json = JsonNode.Parse(File.ReadAllText(item))!;
        JsonNode properties = json["properties"]!;
        using var mask = GdalDataset.Open(summary.MaskPath);
        GeoTransform t = mask.GeoTransform!.Value;
        Assert.Equal("EPSG:29192", properties["proj:code"]!.GetValue<string>());
        Assert.Equal([mask.Height, mask.Width], properties["proj:shape"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal([t.PixelWidth, t.RowRotation, t.OriginX, t.ColumnRotation, t.PixelHeight, t.OriginY], properties["proj:transform"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("raster", properties["label:type"]!.GetValue<string>());
        Assert.Equal(["segmentation"], properties["label:tasks"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["automated"], properties["label:methods"]!.AsArray().Select(v => v!.GetValue<string>()));

        JsonNode asset = json["assets"]!["mask"]!;
        Assert.Equal("mask.tif", asset["href"]!.GetValue<string>());
        Assert.Equal("image/tiff; application=geotiff; profile=cloud-optimized", asset["type"]!.GetValue<string>());
        var classes = asset["classification:classes"]!.AsArray();
        Assert.Equal([0, 1, 2, 255], classes.Select(c => c!["value"]!.GetValue<int>()));
        Assert.Equal(["water", "vegetation", "other", "nodata"], classes.Select(c => c!["name"]!.GetValue<string>()));
        ClassEntry vegetation = Legend.Entries[1];
        Assert.Equal($"{vegetation.Red:X2}{vegetation.Green:X2}{vegetation.Blue:X2}", classes[1]!["color_hint"]!.GetValue<string>());
        Assert.Equal(255, asset["raster:bands"]![0]!["nodata"]!.GetValue<int>());
        Assert.Equal("prob.tif", json["assets"]!["probabilities"]!["href"]!.GetValue<string>());

        JsonNode link = json["links"]!.AsArray().Single()!;
        Assert.Equal("derived_from", link["rel"]!.GetValue<string>());
        Assert.Equal(Labels, Path.GetFullPath(Path.Combine(temp.Path, link["href"]!.GetValue<string>())));

        // Geometry in longitude/latitude (the scene lies on the Goiás / Minas Gerais border), bbox around it.
        double[] bbox = [.. json["bbox"]!.AsArray().Select(v => v!.GetValue<double>())];
        Assert.InRange(bbox[0], -52, -44);
        Assert.InRange(bbox[1], -22, -14);
        Assert.True(bbox[2] > bbox[0] && bbox[3] > bbox[1]);
        var ring = json["geometry"]!["coordinates"]![0]!.AsArray();
        Assert.Equal(41, ring.Count);
        Assert.Equal(ring[0]!.ToJsonString(), ring[^1]!.ToJsonString());
        using (var utm = SpatialReference.FromWkt(mask.ProjectionWkt!))
        using (var wgs84 = SpatialReference.FromUserInput("EPSG:4326"))
        {
            double[] x = [t.OriginX], y = [t.OriginY];
            utm.Transform(wgs84, x, y);
            Assert.Equal(x[0], ring[0]![0]!.GetValue<double>(), 6);
            Assert.Equal(y[0], ring[0]![1]!.GetValue<double>(), 6);
        }
    }

    [StacSchemaFact]
    public void Validator_BrokenItems_AreRefused()
    {
        // The schemas can fail: a wrong proj:shape, a label item without its description, a bad colour hint.
        using var temp = new TempDirectory();
        PredictionSummary summary = Predict(temp, cog: false);
        JsonNode json = JsonNode.Parse(File.ReadAllText(PredictionStacItem.PathFor(summary.MaskPath)))!;
        json["properties"]!["proj:shape"] = "875x1009";
        json["properties"]!.AsObject().Remove("label:description");
        json["assets"]!["mask"]!["classification:classes"]![0]!["color_hint"] = "#1f78b4";
        File.WriteAllText(temp.File("broken.json"), json.ToJsonString());

        var (valid, report) = StacSchemas.Validate(temp.File("broken.json"));
        Assert.False(valid, report);
        Assert.Contains("proj:shape", report);
        Assert.Contains("label:description", report);
        Assert.Contains("color_hint", report);
    }

    [StacSchemaFact]
    public void Run_InputFromAStacItem_LinksTheItemAndTakesItsDatetime()
    {
        using var temp = new TempDirectory();
        string source = temp.File("scene.json");
        File.WriteAllText(source, """{"type": "Feature", "stac_version": "1.0.0", "id": "s", "properties": {"datetime": "2004-05-06T07:08:09Z"}, "assets": {}}""");
        PredictionSummary summary = Predict(temp, cog: false, stacSource: source, sourceIsItem: true);
        string item = PredictionStacItem.PathFor(summary.MaskPath);
        StacSchemas.AssertValid(item);
        JsonNode json = JsonNode.Parse(File.ReadAllText(item))!;
        Assert.Equal("2004-05-06T07:08:09Z", json["properties"]!["datetime"]!.GetValue<string>());
        JsonNode link = json["links"]![0]!;
        Assert.Equal("scene.json", link["href"]!.GetValue<string>());
        Assert.Equal("application/geo+json", link["type"]!.GetValue<string>());
        Assert.Equal("image/tiff; application=geotiff", json["assets"]!["mask"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Run_StacItemOff_WritesNone()
    {
        using var temp = new TempDirectory();
        Predict(temp, cog: false, stacItem: false);
        Assert.False(File.Exists(temp.File("mask.stac.json")));
        Assert.True(File.Exists(temp.File("mask.tif")));
    }
}
