using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

[Collection(GdalSerialCollection.Name)]
public sealed class RasterPredictionTests
{
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");
    private static readonly ClassLegend Legend = ClassLegend.FromNames(["water", "vegetation", "other"]);

    [Fact]
    public void Run_RgbaInput_AlphaZeroPixelsBecomeNodata()
    {
        using var temp = new TempDirectory();
        var (summary, classes, keep) = PredictRgbaScene(temp);

        Assert.Equal(Expected(classes, keep), TestRasters.ReadAll<byte>(summary.MaskPath));
    }

    [Fact]
    public void Run_MaskWithNodata_SummaryCountsEachClassOfTheMaskWritten()
    {
        using var temp = new TempDirectory();
        var (summary, _, _) = PredictRgbaScene(temp);

        byte[] mask = TestRasters.ReadAll<byte>(summary.MaskPath);
        Assert.Contains((byte)255, mask);
        Assert.Equal(Enumerable.Range(0, 3).Select(c => (long)mask.Count(v => v == c)), summary.ClassPixels);
        Assert.Equal(Enumerable.Range(0, 3).Select(c => (double)mask.Count(v => v == c) / mask.Count(v => v != 255)), summary.ClassShares);
        Assert.Equal(Legend.Names, summary.ClassNames);
    }

    [Fact]
    public void Run_InputWithPerDatasetMaskBand_MaskedPixelsBecomeNodata()
    {
        using var temp = new TempDirectory();
        var (classes, keep) = MaskedScene();
        using (GdalDataset ds = CreateGeoreferenced(temp.File("rgb.tif"), 3, ["COMPRESS=DEFLATE"]))
        {
            WriteClassBands(ds, classes);
        }

        using (GdalDataset ds = GdalDataset.Create("GTiff", temp.File("valid.tif"), MaskedWidth, MaskedHeight, 1, RasterDataType.Byte, ["COMPRESS=DEFLATE"]))
        {
            ds.Write<byte>(1, new PixelWindow(0, 0, MaskedWidth, MaskedHeight), [.. keep.Select(k => k ? (byte)255 : (byte)0)]);
        }

        // A GDAL per-dataset mask band (as a .msk file or an internal TIFF mask gives), declared in a VRT.
        string Band(int b) => $"<VRTRasterBand dataType=\"Byte\" band=\"{b}\"><SimpleSource><SourceFilename relativeToVRT=\"1\">rgb.tif</SourceFilename><SourceBand>{b}</SourceBand></SimpleSource></VRTRasterBand>";
        string input = temp.File("masked.vrt");
        File.WriteAllText(input,
            $"<VRTDataset rasterXSize=\"{MaskedWidth}\" rasterYSize=\"{MaskedHeight}\"><SRS>EPSG:31985</SRS><GeoTransform>290000, 30, 0, 9120000, 0, -30</GeoTransform>" +
            Band(1) + Band(2) + Band(3) +
            "<MaskBand><VRTRasterBand dataType=\"Byte\"><SimpleSource><SourceFilename relativeToVRT=\"1\">valid.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></MaskBand></VRTDataset>");

        PredictionSummary summary = RasterPrediction.Run(MaskedRequest(input, temp.File("mask.tif")), new OneHotBandPredictor(3, bandCount: 3));

        Assert.Equal(Expected(classes, keep), TestRasters.ReadAll<byte>(summary.MaskPath));
    }

    private const int MaskedWidth = 45;
    private const int MaskedHeight = 37;

    /// <summary>The masked scene as an RGBA GeoTIFF (alpha 0 where a pixel is not kept), predicted by the one-hot predictor.</summary>
    private static (PredictionSummary Summary, byte[] Classes, bool[] Keep) PredictRgbaScene(TempDirectory temp)
    {
        string input = temp.File("rgba.tif");
        var (classes, keep) = MaskedScene();
        using (GdalDataset ds = CreateGeoreferenced(input, 4, ["ALPHA=YES"]))
        {
            WriteClassBands(ds, classes);
            ds.Write<byte>(4, new PixelWindow(0, 0, MaskedWidth, MaskedHeight), [.. keep.Select(k => k ? (byte)255 : (byte)0)]);
        }

        return (RasterPrediction.Run(MaskedRequest(input, temp.File("mask.tif")), new OneHotBandPredictor(3, bandCount: 3)), classes, keep);
    }

    private static (byte[] Classes, bool[] Keep) MaskedScene()
    {
        var classes = new byte[MaskedWidth * MaskedHeight];
        var keep = new bool[classes.Length];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = (byte)(i / 5 % 3);
            keep[i] = i % 7 != 3 && i / MaskedWidth != 20;
        }

        return (classes, keep);
    }

    private static GdalDataset CreateGeoreferenced(string path, int bands, IEnumerable<string> options)
    {
        GdalDataset ds = GdalDataset.Create("GTiff", path, MaskedWidth, MaskedHeight, bands, RasterDataType.Byte, options);
        using (SpatialReference crs = SpatialReference.FromUserInput("EPSG:31985"))
        {
            ds.ProjectionWkt = crs.Wkt;
        }

        ds.SetGeoTransform(new GeoTransform(290_000, 30, 0, 9_120_000, 0, -30));
        return ds;
    }

    private static void WriteClassBands(GdalDataset ds, byte[] classes)
    {
        for (int b = 1; b <= 3; b++)
        {
            ds.Write<byte>(b, new PixelWindow(0, 0, MaskedWidth, MaskedHeight), classes);
        }
    }

    private static PredictionRequest MaskedRequest(string input, string mask) => new()
    {
        InputPath = input,
        Bands = [1, 2, 3],
        MaskPath = mask,
        Legend = Legend,
        Stitch = new StitchOptions { TileSize = 16, Overlap = 4, BatchSize = 3 },
    };

    private static byte[] Expected(byte[] classes, bool[] keep) => [.. classes.Select((c, i) => keep[i] ? c : (byte)255)];

    [Theory]
    [InlineData(256, 128, BlendMode.Hann, false)]
    [InlineData(200, 24, BlendMode.CenterCrop, true)]
    public void Run_ModelFreePredictor_MaskReproducesLabelsOnInputGridWithStyling(int tile, int overlap, BlendMode blend, bool cog)
    {
        using var temp = new TempDirectory();
        var request = new PredictionRequest
        {
            InputPath = Labels,
            Bands = [1],
            MaskPath = temp.File("mask.tif"),
            Legend = Legend,
            Stitch = new StitchOptions { TileSize = tile, Overlap = overlap, Blend = blend, BatchSize = 2 },
            MaskOptions = new MaskOutputOptions { Cog = cog },
            ProbabilityPath = temp.File("prob.tif"),
            VectorPath = cog ? null : temp.File("classes.gpkg"), // polygons once: the slow part
            VectorOptions = new PolygonOptions { MinimumArea = 10_000 },
        };

        PredictionSummary summary = RasterPrediction.Run(request, new OneHotBandPredictor(3));

        using var labels = GdalDataset.Open(Labels);
        using var mask = PamDataset.Open(summary.MaskPath);
        Assert.Equal(labels.ProjectionWkt, mask.ProjectionWkt);
        Assert.Equal(labels.GeoTransform, mask.GeoTransform);
        Assert.Equal(Read(labels), Read(mask));
        Assert.Equal(Legend.Names, RasterClassStyle.ReadClassNames(mask, 1));
        Assert.Equal(Legend.Entries[1].Green, RasterClassStyle.ReadColorTable(mask, 1)[1].G);
        Assert.Equal(100.0, RasterEvaluator.Evaluate(summary.MaskPath, Labels).MeanIoU * 100);

        using var probabilities = GdalDataset.Open(summary.ProbabilityPath!);
        Assert.Equal(3, probabilities.BandCount);
        var water = new byte[labels.Width * labels.Height];
        probabilities.Read<byte>(1, new PixelWindow(0, 0, labels.Width, labels.Height), water);
        Assert.Equal(Read(labels).Select(v => v == 0 ? (byte)100 : v == 255 ? (byte)255 : (byte)0), water);

        if (!cog)
        {
            IReadOnlyList<ClassPolygon> polygons = ClassPolygonizer.Read(summary.VectorPath!);
            Assert.NotEmpty(polygons);
            Assert.All(polygons, p => Assert.True(p.Area >= 10_000));
            Assert.Equal(new[] { "classes.gpkg", "mask.qml", "mask.stac.json", "mask.tif", "mask.tif.aux.xml", "prob.tif" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
        }
        else
        {
            Assert.Equal(new[] { "mask.qml", "mask.stac.json", "mask.tif", "mask.tif.aux.xml", "prob.tif" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
        }
    }

    [Fact]
    public void Run_Cancelled_LeavesNoOutputBehind()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var request = new PredictionRequest
        {
            InputPath = Labels,
            Bands = [1],
            MaskPath = temp.File("mask.tif"),
            ProbabilityPath = temp.File("prob.tif"),
            Stitch = new StitchOptions { TileSize = 64, Overlap = 32, BatchSize = 1 },
        };
        var progress = new SynchronousProgress<StitchProgress>(p =>
        {
            if (p.RowsWritten > 100)
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => RasterPrediction.Run(request, new OneHotBandPredictor(3), progress, cancel.Token));
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Run_LegendCountDiffersFromModel_ThrowsBeforeWriting()
    {
        using var temp = new TempDirectory();
        var request = new PredictionRequest { InputPath = Labels, Bands = [1], MaskPath = temp.File("m.tif"), Legend = ClassLegend.FromNames(["a", "b"]) };
        var e = Assert.Throws<ArgumentException>(() => RasterPrediction.Run(request, new OneHotBandPredictor(3)));
        Assert.Contains("3 classes", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    private static byte[] Read(GdalDataset ds)
    {
        var all = new byte[ds.Width * ds.Height];
        ds.Read<byte>(1, new PixelWindow(0, 0, ds.Width, ds.Height), all);
        return all;
    }
}
