using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;

namespace AdaptSeg.Geo.Tests.Inference;

[Collection(GdalSerialCollection.Name)]
public sealed class ModelGridPlanTests
{
    private const int Width = 190, Height = 130;

    /// <summary>Class stripes 30 pixels wide (0, 1, 2, 0, ...), tilted, with a nodata block.</summary>
    private static float Stripes(int x, int y) =>
        x is >= 100 and < 110 && y is >= 50 and < 60 ? SyntheticScenes.NoData : (x + y / 3) / 30 % 3;

    [Theory]
    [InlineData(20.0)] // model coarser than the 10 m input
    [InlineData(5.0)] // model finer
    public void Predict_InputAtAnotherResolution_MaskOnTheInputGridAgreesWithTheScene(double modelPixel)
    {
        using var temp = new TempDirectory();
        string input = temp.File("scene.tif");
        SyntheticScenes.Write(input, Width, Height, 10, Stripes);
        var request = new PredictionRequest
        {
            InputPath = input,
            MaskPath = temp.File("mask.tif"),
            Stitch = new StitchOptions { TileSize = 48, Overlap = 24, BatchSize = 2 },
            ProbabilityPath = temp.File("prob.tif"),
            ModelGrid = new TrainingGrid(SyntheticScenes.Wkt("EPSG:32725"), modelPixel),
        };

        PredictionSummary summary = RasterPrediction.Run(request, new OneHotBandPredictor(3));

        using var scene = GdalDataset.Open(input);
        using var mask = GdalDataset.Open(summary.MaskPath);
        Assert.Equal((Width, Height), (mask.Width, mask.Height));
        Assert.Equal(scene.GeoTransform, mask.GeoTransform);
        Assert.Equal(scene.ProjectionWkt, mask.ProjectionWkt);
        Assert.Empty(summary.Warnings);
        Assert.Contains("written on the input grid", summary.Grid);
        byte[] classes = TestRasters.ReadAll<byte>(summary.MaskPath);
        int agree = 0, valid = 0;
        for (int i = 0; i < classes.Length; i++)
        {
            float v = Stripes(i % Width, i / Width);
            if (v == SyntheticScenes.NoData)
            {
                Assert.Equal(255, classes[i]);
                continue;
            }

            valid++;
            agree += classes[i] == (byte)v ? 1 : 0;
        }

        // Only pixels next to a stripe edge (or the nodata block) may differ after resampling twice.
        Assert.True(agree >= 0.93 * valid, $"{agree} of {valid} pixels agree");
        Assert.True(agree < valid || modelPixel < 10, "resampling to a coarser grid and back cannot be exact on tilted stripes");
        using var probabilities = GdalDataset.Open(summary.ProbabilityPath!);
        Assert.Equal((Width, Height), (probabilities.Width, probabilities.Height));
    }

    [Fact]
    public void Predict_GridModel_WritesOnTheModelPixelSizeFromTheSameCorner()
    {
        using var temp = new TempDirectory();
        string input = temp.File("scene.tif");
        SyntheticScenes.Write(input, Width, Height, 10, Stripes);
        var request = new PredictionRequest
        {
            InputPath = input,
            MaskPath = temp.File("mask.tif"),
            Stitch = new StitchOptions { TileSize = 32, Overlap = 16 },
            ModelGrid = new TrainingGrid(SyntheticScenes.Wkt("EPSG:32725"), 28.5),
            Grid = PredictionGrid.Model,
        };

        PredictionSummary summary = RasterPrediction.Run(request, new OneHotBandPredictor(3));

        using var mask = GdalDataset.Open(summary.MaskPath);
        Assert.Equal(((int)Math.Ceiling(Width * 10 / 28.5), (int)Math.Ceiling(Height * 10 / 28.5)), (mask.Width, mask.Height));
        GeoTransform t = mask.GeoTransform!.Value;
        Assert.Equal(500000, t.OriginX, 6);
        Assert.Equal(9100000, t.OriginY, 6);
        Assert.Equal(28.5, t.PixelWidth, 9);
    }

    [Fact]
    public void Predict_ModelWithoutGrid_InputPixelSizeWithWarning()
    {
        using var temp = new TempDirectory();
        string input = temp.File("scene.tif");
        SyntheticScenes.Write(input, Width, Height, 10, Stripes);
        var request = new PredictionRequest { InputPath = input, MaskPath = temp.File("mask.tif"), Stitch = new StitchOptions { TileSize = 64, Overlap = 32 } };

        PredictionSummary summary = RasterPrediction.Run(request, new OneHotBandPredictor(3));

        Assert.Contains(summary.Warnings, w => w.Contains("records no training grid"));
        byte[] classes = TestRasters.ReadAll<byte>(summary.MaskPath);
        Assert.All(Enumerable.Range(0, classes.Length).Where(i => Stripes(i % Width, i / Width) != SyntheticScenes.NoData),
            i => Assert.Equal((byte)Stripes(i % Width, i / Width), classes[i]));
    }

    [Fact]
    public void Predict_DegreesInputMetresModel_InputGridRefusedWithFixAndModelGridReprojects()
    {
        using var temp = new TempDirectory();
        string input = temp.File("geographic.tif");
        // About 30 m pixels near 8.1 S, 34.9 W (Olinda), in degrees.
        SyntheticScenes.Write(input, 60, 50, 0.00027, (x, y) => (x / 20) % 3, "EPSG:4326", originX: -34.9, originY: -8.0);
        var model = new TrainingGrid(SyntheticScenes.Wkt("EPSG:32725"), 30);
        var request = new PredictionRequest
        {
            InputPath = input,
            MaskPath = temp.File("mask.tif"),
            Stitch = new StitchOptions { TileSize = 32, Overlap = 16 },
            ModelGrid = model,
        };

        var error = Assert.Throws<NotSupportedException>(() => RasterPrediction.Run(request, new OneHotBandPredictor(3)));
        Assert.Contains("PredictionRequest.Grid to Model", error.Message);
        Assert.Contains("gdalwarp -t_srs EPSG:32725", error.Message);
        Assert.False(File.Exists(request.MaskPath));

        PredictionSummary summary = RasterPrediction.Run(request with { Grid = PredictionGrid.Model }, new OneHotBandPredictor(3));
        using var mask = GdalDataset.Open(summary.MaskPath);
        using var written = SpatialReference.FromWkt(mask.ProjectionWkt);
        Assert.Equal(32725, written.EpsgCode);
        Assert.Equal(30, mask.GeoTransform!.Value.PixelWidth, 9);
        Assert.Contains(TestRasters.ReadAll<byte>(summary.MaskPath), v => v == 2);
    }

    [Theory]
    [InlineData(0, 0.5, 5, 0, 0, 0f)] // centre 0.25 lies before the first model centre: clamped
    [InlineData(3, 0.5, 5, 1, 2, 0.25f)] // centre 1.75 model pixels: between 1 and 2
    [InlineData(9, 0.5, 5, 4, 4, 0f)] // past the last centre: clamped
    [InlineData(2, 2.0, 10, 4, 5, 0.5f)] // finer model: centre 5.0
    public void Map_InputPixelCentre_BilinearNeighboursAndWeight(int index, double scale, int modelLength, int i0, int i1, float t) =>
        Assert.Equal((i0, i1, t), InputGridSink.Map(index, scale, modelLength));
}
