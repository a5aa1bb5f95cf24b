using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary><c>adaptseg pseudo-label</c> (and <c>predict</c>'s model grid) end to end with small real models.</summary>
[Collection(GdalSerialCollection.Name)]
public sealed class PseudoLabelCommandTests
{
    private static readonly string[] Classes = ["water", "vegetation", "other"];

    [Fact]
    public async Task PseudoLabel_TwoSmallModels_GeoreferencedLabelsWithColourTableAndThresholdMetadata()
    {
        using var temp = new TempDirectory();
        string input = Crop(temp.File("target.tif"));
        string a = SaveModel(temp.File("a.pth"), seed: 1, grid: 28.5);
        string b = SaveModel(temp.File("b.pth"), seed: 2, grid: 28.5);
        string output = temp.File("pseudo.tif");

        var (code, stdout, stderr) = await CliRunner.RunAsync("pseudo-label", "--checkpoint", a, "--checkpoint", b, "--input", input, "--output", output,
            "--tile-size", "64", "--overlap", "16", "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("thresholds    exact", stdout);
        Assert.Contains("predicted at the model's 28.5 pixels", stdout);
        using var source = GdalDataset.Open(input);
        using var labels = PamDataset.Open(output);
        Assert.Equal((source.Width, source.Height), (labels.Width, labels.Height));
        Assert.Equal(source.GeoTransform, labels.GeoTransform);
        Assert.Equal(source.ProjectionWkt, labels.ProjectionWkt);
        Assert.Equal(255, labels.GetNoData(1));
        Assert.Equal(Classes, RasterClassStyle.ReadClassNames(labels, 1));
        Assert.Equal(255, RasterClassStyle.ReadColorTable(labels, 1)[0].A);
        IReadOnlyList<double> thresholds = PseudoLabelGeneration.ReadThresholds(output)!;
        Assert.Equal(3, thresholds.Count);
        Assert.All(thresholds, t => Assert.InRange(t, 0, 0.9));
        byte[] values = TestRasters.ReadAll<byte>(output);
        Assert.All(values, v => Assert.True(v < 3 || v == 255));
        Assert.Contains(values, v => v == 255);
        Assert.Contains(values, v => v != 255);
        Assert.Equal(["a.pth", "b.pth", "pseudo.qml", "pseudo.tif", "pseudo.tif.aux.xml", "target.tif"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PseudoLabel_OutputIsTheInput_Exit2AndInputUntouched()
    {
        using var temp = new TempDirectory();
        string input = Crop(temp.File("target.tif"));
        string a = SaveModel(temp.File("a.pth"), seed: 1, grid: null);
        byte[] before = File.ReadAllBytes(input);

        var (code, _, stderr) = await CliRunner.RunAsync("pseudo-label", "--checkpoint", a, "--input", input, "--output", input, "--overwrite", "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("an output never replaces an input", stderr);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public async Task PseudoLabel_Help_SaysWhichThresholdMethodIsUsedWhen()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("pseudo-label", "--help");
        Assert.Equal(0, code);
        Assert.Contains("16777216", stdout);
        Assert.Contains("histogram", stdout);
    }

    [Fact]
    public async Task Predict_ModelRecordsCoarserGrid_MaskOnTheInputGridAndWarnsForModelsWithout()
    {
        using var temp = new TempDirectory();
        string input = Crop(temp.File("target.tif"));
        string withGrid = SaveModel(temp.File("grid.pth"), seed: 3, grid: 28.5);
        string old = SaveModel(temp.File("old.pth"), seed: 3, grid: null);

        var (code, stdout, stderr) = await CliRunner.RunAsync("predict", "--checkpoint", withGrid, "--input", input, "--output", temp.File("a.tif"), "--tile-size", "64", "--overlap", "16", "--device", "cpu");
        Assert.True(code == 0, stderr);
        Assert.Contains("written on the input grid", stdout);
        Assert.DoesNotContain("warning", stderr);
        using (var source = GdalDataset.Open(input))
        using (var mask = GdalDataset.Open(temp.File("a.tif")))
        {
            Assert.Equal((source.Width, source.Height), (mask.Width, mask.Height));
            Assert.Equal(source.GeoTransform, mask.GeoTransform);
        }

        (code, stdout, stderr) = await CliRunner.RunAsync("predict", "--checkpoint", withGrid, "--input", input, "--output", temp.File("b.tif"), "--tile-size", "64", "--overlap", "16", "--device", "cpu", "--grid", "model");
        Assert.True(code == 0, stderr);
        using (var mask = GdalDataset.Open(temp.File("b.tif")))
        {
            Assert.Equal(28.5, mask.GeoTransform!.Value.PixelWidth, 9);
        }

        (code, _, stderr) = await CliRunner.RunAsync("predict", "--checkpoint", old, "--input", input, "--output", temp.File("c.tif"), "--tile-size", "64", "--overlap", "16", "--device", "cpu");
        Assert.True(code == 0, stderr);
        Assert.Contains("warning: The model records no training grid", stderr);
    }

    /// <summary>A 160 x 128 crop of the CBERS sample (20 m pixels, 3 bands), georeferenced.</summary>
    private static string Crop(string path)
    {
        using GdalDataset source = GdalDataset.Open(TestPaths.SampleData("cbers_rgb342_crop1.tif"));
        const int w = 160, h = 128, x0 = 300, y0 = 400;
        using GdalDataset crop = GdalDataset.Create("GTiff", path, w, h, source.BandCount, RasterDataType.Byte);
        crop.ProjectionWkt = source.ProjectionWkt;
        crop.SetGeoTransform(source.GeoTransform!.Value.ForWindow(x0, y0));
        var buffer = new byte[w * h];
        for (int band = 1; band <= source.BandCount; band++)
        {
            source.Read<byte>(band, new PixelWindow(x0, y0, w, h), buffer);
            crop.Write<byte>(band, new PixelWindow(0, 0, w, h), buffer);
        }

        return path;
    }

    /// <summary>A light, randomly initialised 3-class network saved as model.pth, with or without a training grid.</summary>
    private static string SaveModel(string path, int seed, double? grid)
    {
        torch.manual_seed(seed);
        int[] blocks = [1, 1, 1, 1];
        using var network = new DeepLabMulti(Classes.Length, 3, blocks, new DeepLabOptions { Width = 16 });
        string crs;
        using (GdalDataset source = GdalDataset.Open(TestPaths.SampleData("cbers_rgb342_crop1.tif")))
        {
            crs = source.ProjectionWkt;
        }

        ModelPackage.Save(path, network, new ModelDescription
        {
            Classes = Classes,
            InputBands = 3,
            Blocks = blocks,
            Width = 16,
            SourceStatistics = new BandStatistics([60.0, 70.0, 50.0], [20.0, 25.0, 15.0]),
            TrainingGrid = grid is double size ? new TrainingGrid(crs, size) : null,
        });
        return path;
    }
}
