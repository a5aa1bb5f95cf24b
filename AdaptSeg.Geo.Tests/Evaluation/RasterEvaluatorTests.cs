using System.Text.Json;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Evaluation;

[Collection(GdalSerialCollection.Name)]
public sealed class RasterEvaluatorTests
{
    private static readonly string[] Names = ["water", "vegetation", "other"];
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Fact]
    public void Evaluate_PredictionEqualsReference_MeanIoU100AndIgnoredPixelsCounted()
    {
        EvaluationReport report = RasterEvaluator.Evaluate(Labels, Labels, Names);

        Assert.Equal(1.0, report.MeanIoU);
        Assert.Equal(1.0, report.PixelAccuracy);
        Assert.False(report.ReferenceReprojected);
        Assert.Equal(9392, report.IgnoredPixels);
        Assert.Equal(875L * 1009 - 9392, report.Matrix.Total);
        Assert.Equal(100.0, JsonDocument.Parse(report.ToJson()).RootElement.GetProperty("miou_percent").GetDouble());
    }

    [Fact]
    public void Evaluate_SmallRasters_MatchHandComputedConfusionMatrix()
    {
        using var temp = new TempDirectory();
        byte[] reference = [0, 0, 1, 1, 2, 2, 255, 0, 1, 2, 2, 1];
        byte[] predicted = [0, 1, 1, 1, 2, 0, 0, 0, 2, 2, 2, 255];
        string r = Write(temp.File("r.tif"), reference);
        string p = Write(temp.File("p.tif"), predicted);

        EvaluationReport report = RasterEvaluator.Evaluate(p, r, Names);

        // Rows reference, columns prediction, counted by hand from the pairs above.
        long[,] expected = { { 2, 1, 0 }, { 0, 2, 1 }, { 1, 0, 3 } };
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(expected[i, j], report.Matrix[i, j]);
            }
        }

        Assert.Equal(1, report.IgnoredPixels);
        Assert.Equal(1, report.Matrix.UnpredictedPixels);
        Assert.Equal([0.5, 0.5, 0.6], report.Classes.Select(c => Math.Round(c.IoU, 12)));
        Assert.Equal(2.0 / 3, report.Classes[0].Precision, 12);
        Assert.Equal(2.0 / 3, report.Classes[1].Recall, 12);
        Assert.Equal(0.75, report.Classes[2].F1, 12);
        Assert.Equal(0.7, report.PixelAccuracy, 12);
        Assert.Equal(1.6 / 3, report.MeanIoU, 12);
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(53.3333, json.RootElement.GetProperty("miou_percent").GetDouble());
        Assert.Equal(3, json.RootElement.GetProperty("confusion_matrix").GetProperty("counts")[2][2].GetInt64());
        Assert.Contains("vegetation", report.ToTable());
    }

    [Fact]
    public void Evaluate_ClassAbsentFromBoth_IoUUndefinedAndLeftOutOfMean()
    {
        using var temp = new TempDirectory();
        string r = Write(temp.File("r.tif"), [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
        string p = Write(temp.File("p.tif"), [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0]);

        EvaluationReport report = RasterEvaluator.Evaluate(p, r, Names);

        Assert.True(double.IsNaN(report.Classes[2].IoU));
        Assert.Equal((6.0 / 7 + 5.0 / 6) / 2, report.MeanIoU, 12); // class 0: 6 of 7, class 1: 5 of 6
        Assert.Contains("\"iou_percent\": null", report.ToJson());
    }

    [Fact]
    public void Evaluate_ReferenceInAnotherCrs_ReprojectedWithNearestOntoPredictionGrid()
    {
        using var temp = new TempDirectory();
        string warped = temp.File("labels-utm23.tif");
        using (var source = GdalDataset.Open(Labels))
        using (GdalWarp.Run([source], warped, ["-t_srs", "EPSG:31983", "-r", "near", "-ovr", "NONE", "-of", "GTiff"]))
        {
        }

        EvaluationReport report = RasterEvaluator.Evaluate(Labels, warped, Names);

        Assert.True(report.ReferenceReprojected);
        Assert.InRange(report.MeanIoU, 0.9, 1.0); // nearest twice: only edge pixels move
        Assert.True(report.Matrix.Total > 0.9 * (875L * 1009 - 9392));
    }

    [Fact]
    public void Evaluate_ReferenceWithValuesOutsideClasses_ThrowsListingThem()
    {
        using var temp = new TempDirectory();
        string r = Write(temp.File("r.tif"), [0, 0, 1, 7, 0, 0, 1, 1, 9, 9, 1, 1]);
        string p = Write(temp.File("p.tif"), [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);

        var e = Assert.Throws<InvalidDataException>(() => RasterEvaluator.Evaluate(p, r, Names));
        Assert.Contains("7 (1 px), 9 (2 px)", e.Message);
        Assert.Contains("r.tif", e.Message);
    }

    [Fact]
    public void Evaluate_NoClassNamesAnywhere_AsksForClasses()
    {
        using var temp = new TempDirectory();
        string r = Write(temp.File("r.tif"), new byte[12]);
        var e = Assert.Throws<ArgumentException>(() => RasterEvaluator.Evaluate(r, r));
        Assert.Contains("RasterEvaluationOptions.ClassNames", e.Message);
    }

    private static string Write(string path, byte[] values)
    {
        using var ds = GdalDataset.Create("GTiff", path, 4, 3, 1, RasterDataType.Byte);
        ds.ProjectionWkt = GdalDataset.Open(Labels) is var l ? TakeWkt(l) : "";
        ds.SetGeoTransform(new GeoTransform(500000, 20, 0, 8000000, 0, -20));
        ds.SetNoData(1, 255);
        ds.Write<byte>(1, new PixelWindow(0, 0, 4, 3), values);
        return path;
    }

    private static string TakeWkt(GdalDataset ds)
    {
        using (ds)
        {
            return ds.ProjectionWkt;
        }
    }
}
