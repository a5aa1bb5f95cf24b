using System.CommandLine;
using AdaptSeg.Geo.Cli.Commands;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>
/// Remote inputs for real: a local HTTP server (127.0.0.1, range requests) serves a COG and a STAC
/// Item; predict reads them through GDAL's /vsicurl/ and must equal the local-file result.
/// </summary>
[Collection(GdalSerialCollection.Name)]
public sealed class PredictRemoteInputTests
{
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    [Fact]
    public async Task Predict_CogOverVsicurlAndStacItemUrl_EqualTheLocalFileResult()
    {
        using var temp = new TempDirectory();
        string served = Directory.CreateDirectory(temp.File("served")).FullName;
        using (var source = GdalDataset.Open(Scene))
        {
            using (source.CreateCopy("COG", Path.Combine(served, "scene.tif"), ["COMPRESS=DEFLATE", "BLOCKSIZE=256"]))
            {
            }

            string[] names = ["red", "nir", "green"];
            for (int band = 1; band <= 3; band++)
            {
                WriteSingleBandCog(source, band, Path.Combine(served, names[band - 1] + ".tif"), temp.File($"stage{band}.tif"));
            }
        }

        await using LocalFileServer server = await LocalFileServer.StartAsync(served);
        File.WriteAllText(Path.Combine(served, "item.json"), $$"""
            {
              "type": "Feature", "stac_version": "1.0.0", "id": "cbers-crop",
              "geometry": null, "properties": {"datetime": "2004-01-01T00:00:00Z"}, "links": [],
              "assets": {
                "green": {"href": "green.tif", "type": "image/tiff; application=geotiff; profile=cloud-optimized"},
                "red": {"href": "{{server.BaseUrl}}/red.tif"},
                "nir": {"href": "./nir.tif"},
                "thumbnail": {"href": "missing.png"}
              }
            }
            """);

        var options = new Dictionary<string, string>
        {
            ["GDAL_DISABLE_READDIR_ON_OPEN"] = "EMPTY_DIR",
            ["GDAL_HTTP_TIMEOUT"] = "20",
            ["GDAL_HTTP_MAX_RETRY"] = "0",
        };
        foreach (var (key, value) in options)
        {
            Gdal.SetConfigOption(key, value);
        }

        try
        {
            string[] common = ["--checkpoint", "light", "--tile-size", "256", "--batch-size", "4"];
            var (code, _, error) = await Predict(["--input", Scene, "--output", temp.File("local.tif"), .. common]);
            Assert.True(code == 0, error);

            (code, _, error) = await Predict(["--input", $"/vsicurl/{server.BaseUrl}/scene.tif", "--output", temp.File("remote.tif"), .. common]);
            Assert.True(code == 0, error);
            int cogRequests = server.Requests;
            Assert.True(server.RangeRequests > 0, "GDAL read the COG by byte ranges");
            Assert.InRange(cogRequests, 1, 200);

            (code, _, error) = await Predict(["--input", $"{server.BaseUrl}/item.json", "--stac-assets", "red,nir,green", "--output", temp.File("stac.tif"), .. common]);
            Assert.True(code == 0, error);
            Assert.InRange(server.Requests - cogRequests, 1, 300);

            byte[] expected = ReadMask(temp.File("local.tif"));
            Assert.Equal(expected, ReadMask(temp.File("remote.tif")));
            Assert.Equal(expected, ReadMask(temp.File("stac.tif")));

            // A remote path that does not exist: GDAL's own error, exit 2, nothing written.
            (code, _, error) = await Predict(["--input", $"/vsicurl/{server.BaseUrl}/absent.tif", "--output", temp.File("absent.tif"), .. common]);
            Assert.Equal(2, code);
            Assert.Contains("absent.tif", error);
            Assert.False(File.Exists(temp.File("absent.tif")));

            // An asset the Item does not have: named with the ones it has.
            (code, _, error) = await Predict(["--input", Path.Combine(served, "item.json"), "--stac-assets", "red,swir,green", "--output", temp.File("swir.tif"), .. common]);
            Assert.Equal(2, code);
            Assert.Contains("no asset 'swir'", error);
            Assert.Contains("thumbnail", error);
        }
        finally
        {
            foreach (string key in options.Keys)
            {
                Gdal.SetConfigOption(key, null);
            }
        }
    }

    [Fact]
    public async Task Predict_StacAssetsAtAnotherResolution_ReadOnTheFirstAssetsGrid()
    {
        using var temp = new TempDirectory();
        using (var source = GdalDataset.Open(Scene))
        {
            WriteSingleBandCog(source, 1, temp.File("red.tif"), temp.File("s1.tif"));
            WriteSingleBandCog(source, 3, temp.File("green.tif"), temp.File("s3.tif"));
            using var half = GdalDataset.Create("GTiff", temp.File("nir.tif"), (source.Width + 1) / 2, (source.Height + 1) / 2, 1, RasterDataType.Byte);
            half.ProjectionWkt = source.ProjectionWkt;
            GeoTransform t = source.GeoTransform!.Value;
            half.SetGeoTransform(t with { PixelWidth = t.PixelWidth * 2, PixelHeight = t.PixelHeight * 2 });
            var values = new byte[half.Width * half.Height];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (byte)(i % 200);
            }

            half.Write<byte>(1, new PixelWindow(0, 0, half.Width, half.Height), values);
        }

        File.WriteAllText(temp.File("item.json"), """{"type": "Feature", "assets": {"red": {"href": "red.tif"}, "nir": {"href": "nir.tif"}, "green": {"href": "green.tif"}}}""");
        var (code, output, error) = await Predict(["--input", temp.File("item.json"), "--stac-assets", "red,nir,green", "--output", temp.File("mask.tif"),
            "--checkpoint", "light", "--tile-size", "256"]);
        Assert.True(code == 0, error);
        Assert.Contains("(875x1009", output);
        using var mask = GdalDataset.Open(temp.File("mask.tif"));
        using var input = GdalDataset.Open(Scene);
        Assert.Equal(input.GeoTransform, mask.GeoTransform);
    }

    [Fact]
    public async Task Predict_ItemUrlWithoutJson_ReadsItAndWritesAnItemLinkingIt()
    {
        using var temp = new TempDirectory();
        string served = Directory.CreateDirectory(temp.File("served")).FullName;
        using (var source = GdalDataset.Open(Scene))
        {
            string[] names = ["red", "nir", "green"];
            for (int band = 1; band <= 3; band++)
            {
                WriteSingleBandCog(source, band, Path.Combine(served, names[band - 1] + ".tif"), temp.File($"stage{band}.tif"));
            }
        }

        File.WriteAllText(Path.Combine(served, "item-42"), """
            {"type": "Feature", "stac_version": "1.0.0", "id": "item-42", "geometry": null,
             "properties": {"datetime": "2004-08-30T13:00:00Z"}, "links": [],
             "assets": {"B04": {"href": "red.tif", "eo:bands": [{"name": "B04", "common_name": "red"}]},
                        "B08": {"href": "nir.tif", "eo:bands": [{"name": "B08", "common_name": "nir"}]},
                        "B03": {"href": "green.tif", "eo:bands": [{"name": "B03", "common_name": "green"}]}}}
            """);
        await using LocalFileServer server = await LocalFileServer.StartAsync(served);
        string url = $"{server.BaseUrl}/item-42";
        string[] common = ["--checkpoint", "light", "--tile-size", "256", "--batch-size", "4"];

        var (code, output, error) = await Predict(["--input", url, "--stac-assets", "red,nir,green", "--output", temp.File("mask.tif"), .. common]);
        Assert.True(code == 0, error);
        Assert.Contains("mask.stac.json", output);
        var item = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(temp.File("mask.stac.json")))!;
        Assert.Equal(url, item["links"]![0]!["href"]!.GetValue<string>());
        Assert.Equal("2004-08-30T13:00:00Z", item["properties"]!["datetime"]!.GetValue<string>());
        if (ExternalPython.Has("jsonschema"))
        {
            StacSchemas.AssertValid(temp.File("mask.stac.json"));
        }

        // The Item is an output like the others: kept without --overwrite, and --no-stac writes none.
        File.Delete(temp.File("mask.tif"));
        File.Delete(temp.File("mask.qml"));
        (code, _, error) = await Predict(["--input", url, "--stac-assets", "red,nir,green", "--output", temp.File("mask.tif"), .. common]);
        Assert.Equal(2, code);
        Assert.Contains("mask.stac.json", error);
        (code, _, error) = await Predict(["--input", url, "--stac-assets", "red,nir,green", "--output", temp.File("other.tif"), "--no-stac", .. common]);
        Assert.True(code == 0, error);
        Assert.False(File.Exists(temp.File("other.stac.json")));
    }

    private static void WriteSingleBandCog(GdalDataset source, int band, string path, string stage)
    {
        using (var single = GdalDataset.Create("GTiff", stage, source.Width, source.Height, 1, RasterDataType.Byte))
        {
            single.ProjectionWkt = source.ProjectionWkt;
            single.SetGeoTransform(source.GeoTransform!.Value);
            if (source.GetNoData(band) is double nodata)
            {
                single.SetNoData(1, nodata);
            }

            var values = new byte[source.Width * source.Height];
            var window = new PixelWindow(0, 0, source.Width, source.Height);
            source.Read<byte>(band, window, values);
            single.Write<byte>(1, window, values);
        }

        using var staged = GdalDataset.Open(stage);
        using (staged.CreateCopy("COG", path, ["COMPRESS=DEFLATE", "BLOCKSIZE=256"]))
        {
        }
    }

    private static byte[] ReadMask(string path)
    {
        using var dataset = GdalDataset.Open(path);
        var values = new byte[dataset.Width * dataset.Height];
        dataset.Read<byte>(1, new PixelWindow(0, 0, dataset.Width, dataset.Height), values);
        return values;
    }

    private static async Task<(int Code, string Output, string Error)> Predict(string[] args)
    {
        var root = new RootCommand { PredictCommand.Create(new LightNetworkFactory()) };
        ParseResult parse = root.Parse(["predict", .. args]);
        Assert.Empty(parse.Errors);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Loads "the model": the light network with the same seeded weights every time.</summary>
    private sealed class LightNetworkFactory : ITilePredictorFactory
    {
        public ITilePredictor Create(string checkpointPath, string device) => LightNetwork.Create();
    }
}
