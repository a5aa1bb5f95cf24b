using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

[Collection(GdalSerialCollection.Name)]
public sealed class ShardMosaicTests
{
    // CBERS-2 CCD, 3 bands, 875x1009: 13 x 15 tiles of 128 px with overlap 64.
    private static readonly string Scene = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    private static readonly StitchOptions Tiling = new() { TileSize = 128, Overlap = 64, BatchSize = 4 };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Run_ShardsOfTheLightNetwork_MosaicEqualsSingleProcessMaskAndProbabilities(int count)
    {
        using var temp = new TempDirectory();
        using var predictor = LightNetwork.Create();
        var single = new PredictionRequest
        {
            InputPath = Scene,
            MaskPath = temp.File("single.tif"),
            Stitch = Tiling,
            Legend = ClassLegend.FromNames(predictor.ClassNames),
            ProbabilityPath = temp.File("single_p.tif"),
            ProbabilityFormat = ProbabilityFormat.Float32,
        };
        RasterPrediction.Run(single, predictor);
        int tiles = 0;
        for (int k = 0; k < count; k++)
        {
            var summary = RasterPrediction.Run(single with { MaskPath = temp.File("mask.tif"), ProbabilityPath = temp.File("p.tif"), Shard = new ShardAssignment(k, count) }, predictor);
            Assert.EndsWith($"mask.shard-{k}-of-{count}.tif", summary.MaskPath);
            Assert.True(File.Exists(temp.File($"mask.shard-{k}-of-{count}.json")));
            tiles += summary.Tiles;
        }

        Assert.True(tiles >= 13 * 15, "every tile is predicted by some shard");
        MosaicSummary joined = ShardMosaic.Run(new MosaicRequest { ShardsOf = temp.File("mask.tif"), OutputPath = temp.File("joined.tif"), ProbabilityPath = temp.File("joined_p.tif") });
        Assert.Equal(count, joined.Shards);
        ShardMosaic.Run(new MosaicRequest { ShardsOf = temp.File("mask.tif"), OutputPath = temp.File("joined.vrt") });

        byte[] expected = ReadBand<byte>(temp.File("single.tif"), 1);
        Assert.True(expected.Where(v => v != 255).Distinct().Count() >= 2, "the random network answers more than one class");
        Assert.Equal(expected, ReadBand<byte>(temp.File("joined.tif"), 1));
        Assert.Equal(expected, ReadBand<byte>(temp.File("joined.vrt"), 1));
        for (int band = 1; band <= 3; band++)
        {
            float[] p = ReadBand<float>(temp.File("single_p.tif"), band);
            float[] q = ReadBand<float>(temp.File("joined_p.tif"), band);
            float worst = 0;
            for (int i = 0; i < p.Length; i++)
            {
                Assert.Equal(float.IsNaN(p[i]), float.IsNaN(q[i]));
                worst = float.IsNaN(p[i]) ? worst : Math.Max(worst, Math.Abs(p[i] - q[i]));
            }

            Assert.True(worst <= 1e-6f, $"band {band}: largest probability difference {worst}");
        }

        using var mosaic = GdalDataset.Open(temp.File("joined.tif"));
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(mosaic, 1));
        using var input = GdalDataset.Open(Scene);
        Assert.Equal(input.GeoTransform, mosaic.GeoTransform);
    }

    [Fact]
    public void Run_Polygons_RegionsCutByShardBordersComeOutWhole()
    {
        using var temp = new TempDirectory();
        string labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");
        var predictor = new OneHotBandPredictor(3);
        var request = new PredictionRequest { InputPath = labels, MaskPath = temp.File("single.tif"), Stitch = Tiling, Bands = [1], VectorPath = temp.File("single.gpkg") };
        RasterPrediction.Run(request, predictor);
        for (int k = 0; k < 4; k++)
        {
            RasterPrediction.Run(request with { MaskPath = temp.File("mask.tif"), VectorPath = temp.File("v.gpkg"), Shard = new ShardAssignment(k, 4) }, predictor);
        }

        ShardMosaic.Run(new MosaicRequest { ShardsOf = temp.File("mask.tif"), OutputPath = temp.File("joined.tif"), VectorPath = temp.File("joined.gpkg") });

        var whole = ClassPolygonizer.Read(temp.File("single.gpkg"));
        var joined = ClassPolygonizer.Read(temp.File("joined.gpkg"));
        int cut = Enumerable.Range(0, 4).Sum(k => ClassPolygonizer.Read(temp.File($"v.shard-{k}-of-4.gpkg")).Count);
        Assert.Equal(whole.Count, joined.Count);
        Assert.True(cut > whole.Count, $"the shards' own polygons are cut at their borders ({cut} vs {whole.Count})");
    }

    private static T[] ReadBand<T>(string path, int band) where T : unmanaged
    {
        using var dataset = GdalDataset.Open(path);
        var values = new T[dataset.Width * dataset.Height];
        dataset.Read<T>(band, new PixelWindow(0, 0, dataset.Width, dataset.Height), values);
        return values;
    }
}
