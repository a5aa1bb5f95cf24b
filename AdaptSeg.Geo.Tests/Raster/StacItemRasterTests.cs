using System.Text.Json.Nodes;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;

namespace AdaptSeg.Geo.Tests.Raster;

/// <summary>
/// STAC Items laid out as the catalogues serve them, read through a local HTTP server (127.0.0.1)
/// or from files: Earth Search (asset keys red/nir/green, raster:bands scale and offset, an Item URL
/// without .json, hrefs from the server root), Planetary Computer (B04/B08/B03 found by eo:bands
/// common name, a 3-band 'visual' asset beside them) and Landsat Collection 2 on STAC 1.1 (bands with
/// eo:common_name, nir08 for nir, raster:scale/offset, file:// hrefs).
/// </summary>
[Collection(GdalSerialCollection.Name)]
public sealed class StacItemRasterTests
{
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    /// <summary>Band <paramref name="band"/> of the sample scene as a one-band GeoTIFF; its first row set to 0 (nodata in the Items).</summary>
    private static byte[] WriteBand(int band, string path)
    {
        using var source = GdalDataset.Open(Scene);
        var window = new PixelWindow(0, 0, source.Width, source.Height);
        var values = new byte[source.Width * source.Height];
        source.Read<byte>(band, window, values);
        Array.Fill(values, (byte)0, 0, source.Width);
        using var single = GdalDataset.Create("GTiff", path, source.Width, source.Height, 1, RasterDataType.Byte, ["TILED=YES"]);
        single.ProjectionWkt = source.ProjectionWkt;
        single.SetGeoTransform(source.GeoTransform!.Value);
        single.Write<byte>(1, window, values);
        return values;
    }

    private static float[] ReadFloat(string vrt, int band) => ReadAs<float>(vrt, band, RasterDataType.Float32);

    private static byte[] ReadByte(string vrt, int band) => ReadAs<byte>(vrt, band, RasterDataType.Byte);

    /// <summary>The band's values, after checking that the VRT stores them as <paramref name="type"/>.</summary>
    private static T[] ReadAs<T>(string vrt, int band, RasterDataType type) where T : unmanaged
    {
        using (var dataset = GdalDataset.Open(vrt))
        {
            Assert.Equal(type, dataset.GetDataType(band));
        }

        return TestRasters.ReadAll<T>(vrt, band);
    }

    private static void AssertScaled(byte[] raw, float[] read, double scale, double offset)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] == 0)
            {
                Assert.True(float.IsNaN(read[i]), $"pixel {i}: nodata 0 reads {read[i]}, not NaN");
            }
            else
            {
                Assert.Equal((float)((raw[i] * scale) + offset), read[i], 1e-5f);
            }
        }
    }

    [Fact]
    public async Task BuildVrt_EarthSearchItemUrlWithoutJson_FindsAssetsAppliesScaleOffsetAndNodata()
    {
        using var temp = new TempDirectory();
        string served = Directory.CreateDirectory(temp.File("served")).FullName;
        Directory.CreateDirectory(Path.Combine(served, "data"));
        Directory.CreateDirectory(Path.Combine(served, "collections", "sentinel-2-l2a", "items"));
        byte[] red = WriteBand(1, Path.Combine(served, "data", "red.tif"));
        byte[] nir = WriteBand(2, Path.Combine(served, "data", "nir.tif"));
        WriteBand(3, Path.Combine(served, "data", "green.tif"));
        JsonObject Asset(string name) => new()
        {
            ["href"] = $"/data/{name}.tif",
            ["type"] = "image/tiff; application=geotiff; profile=cloud-optimized",
            ["eo:bands"] = new JsonArray(new JsonObject { ["name"] = name, ["common_name"] = name }),
            ["raster:bands"] = new JsonArray(new JsonObject { ["nodata"] = 0, ["data_type"] = "uint16", ["scale"] = 0.0001, ["offset"] = -0.1 }),
        };
        var item = new JsonObject
        {
            ["type"] = "Feature", ["stac_version"] = "1.0.0", ["id"] = "S2B_22KFA", ["properties"] = new JsonObject { ["datetime"] = "2023-06-01T13:00:00Z" },
            ["assets"] = new JsonObject { ["red"] = Asset("red"), ["nir"] = Asset("nir"), ["green"] = Asset("green"), ["thumbnail"] = new JsonObject { ["href"] = "/data/t.jpg" } },
        };
        File.WriteAllText(Path.Combine(served, "collections", "sentinel-2-l2a", "items", "S2B_22KFA"), item.ToJsonString());

        await using LocalFileServer server = await LocalFileServer.StartAsync(served);
        string url = $"{server.BaseUrl}/collections/sentinel-2-l2a/items/S2B_22KFA";
        Assert.False(StacItemRaster.IsStacItem(url));
        Assert.True(StacItemRaster.IsStacItem(url, CancellationToken.None));
        Assert.False(StacItemRaster.IsStacItem($"{server.BaseUrl}/data/red.tif", CancellationToken.None));

        string vrt = StacItemRaster.BuildVrt(url, ["red", "nir", "green"], CancellationToken.None);
        AssertScaled(red, ReadFloat(vrt, 1), 0.0001, -0.1);
        AssertScaled(nir, ReadFloat(vrt, 2), 0.0001, -0.1);

        string raw = StacItemRaster.BuildVrt(url, ["red", "nir", "green"], StacValues.Raw, CancellationToken.None);
        Assert.Equal(red, ReadByte(raw, 1));

        // One request tells an Item by its content and gives its text, which the VRT then takes without fetching it again.
        int before = server.Requests;
        string? text = StacItemRaster.TryReadItem(url, CancellationToken.None);
        Assert.Equal(before + 1, server.Requests);
        Assert.Null(StacItemRaster.TryReadItem($"{server.BaseUrl}/data/red.tif", CancellationToken.None));
        Assert.Equal(red, ReadByte(StacItemRaster.BuildVrt(url, text!, ["red", "nir", "green"], StacValues.Raw, CancellationToken.None), 1));
        using (var dataset = GdalDataset.Open(raw))
        {
            Assert.Equal(0, dataset.GetNoData(1));
        }
    }

    [Fact]
    public async Task BuildVrt_PlanetaryComputerLayout_FindsBandsByCommonNameSingleBandAssetsFirst()
    {
        using var temp = new TempDirectory();
        string served = Directory.CreateDirectory(temp.File("served")).FullName;
        byte[] red = WriteBand(1, Path.Combine(served, "B04.tif"));
        byte[] nir = WriteBand(2, Path.Combine(served, "B08.tif"));
        byte[] green = WriteBand(3, Path.Combine(served, "B03.tif"));
        using (var source = GdalDataset.Open(Scene))
        using (source.CreateCopy("GTiff", Path.Combine(served, "visual.tif"), []))
        {
        }

        JsonObject Single(string key, string common) => new()
        {
            ["href"] = $"{key}.tif",
            ["eo:bands"] = new JsonArray(new JsonObject { ["name"] = key, ["common_name"] = common }),
        };
        var visual = new JsonObject
        {
            ["href"] = "visual.tif",
            ["eo:bands"] = new JsonArray(
                new JsonObject { ["name"] = "B04", ["common_name"] = "red" },
                new JsonObject { ["name"] = "B08", ["common_name"] = "nir" },
                new JsonObject { ["name"] = "B03", ["common_name"] = "coastal" }),
        };
        var item = new JsonObject
        {
            ["type"] = "Feature", ["stac_version"] = "1.0.0", ["id"] = "pc",
            ["assets"] = new JsonObject { ["visual"] = visual, ["B04"] = Single("B04", "red"), ["B08"] = Single("B08", "nir"), ["B03"] = Single("B03", "green") },
        };
        File.WriteAllText(Path.Combine(served, "item.json"), item.ToJsonString());
        await using LocalFileServer server = await LocalFileServer.StartAsync(served);

        string vrt = StacItemRaster.BuildVrt($"{server.BaseUrl}/item.json", ["red", "nir", "green"], CancellationToken.None);
        Assert.Equal(red, ReadByte(vrt, 1));
        Assert.Equal(nir, ReadByte(vrt, 2));
        Assert.Equal(green, ReadByte(vrt, 3));

        // A band found only inside the 3-band asset is read from its place there (the third band).
        string coastal = StacItemRaster.BuildVrt($"{server.BaseUrl}/item.json", ["coastal"], CancellationToken.None);
        using (var source = GdalDataset.Open(Scene))
        {
            var third = new byte[source.Width * source.Height];
            source.Read<byte>(3, new PixelWindow(0, 0, source.Width, source.Height), third);
            Assert.Equal(third, ReadByte(coastal, 1));
        }

        var e = Assert.Throws<ArgumentException>(() => StacItemRaster.BuildVrt($"{server.BaseUrl}/item.json", ["swir16"], CancellationToken.None));
        Assert.Contains("no asset 'swir16'", e.Message);
        Assert.Contains("B04", e.Message);
    }

    [Fact]
    public void BuildVrt_LandsatOnStac11WithFileHrefs_Nir08StandsForNirAndRasterScaleApplies()
    {
        using var temp = new TempDirectory();
        byte[] red = WriteBand(1, temp.File("SR_B4.TIF"));
        byte[] nir = WriteBand(2, temp.File("SR_B5.TIF"));
        WriteBand(3, temp.File("SR_B3.TIF"));
        JsonObject Asset(string file, string common) => new()
        {
            ["href"] = new Uri(temp.File(file)).AbsoluteUri,
            ["bands"] = new JsonArray(new JsonObject { ["name"] = file[..5], ["eo:common_name"] = common, ["nodata"] = 0, ["raster:scale"] = 2.75e-05, ["raster:offset"] = -0.2 }),
        };
        var item = new JsonObject
        {
            ["type"] = "Feature", ["stac_version"] = "1.1.0", ["id"] = "LC09",
            ["properties"] = new JsonObject { ["datetime"] = "2024-01-01T00:00:00Z" },
            ["assets"] = new JsonObject { ["red"] = Asset("SR_B4.TIF", "red"), ["nir08"] = Asset("SR_B5.TIF", "nir08"), ["green"] = Asset("SR_B3.TIF", "green") },
        };
        string path = temp.File("LC09_item"); // a local Item without .json: known by its content
        File.WriteAllText(path, item.ToJsonString());
        Assert.True(StacItemRaster.IsStacItem(path, CancellationToken.None));
        Assert.False(StacItemRaster.IsStacItem(temp.File("SR_B4.TIF"), CancellationToken.None));

        string vrt = StacItemRaster.BuildVrt(path, ["red", "nir", "green"], CancellationToken.None);
        AssertScaled(red, ReadFloat(vrt, 1), 2.75e-05, -0.2);
        AssertScaled(nir, ReadFloat(vrt, 2), 2.75e-05, -0.2);
        AssertScaled(red, ReadFloat(StacItemRaster.BuildVrt(new Uri(path).AbsoluteUri, ["red"], CancellationToken.None), 1), 2.75e-05, -0.2);
    }
}
