using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class Gta5DatasetTests
{
    private const float MeanB = 104.00698793f, MeanG = 116.66876762f, MeanR = 122.67891434f;

    [Fact]
    public void Load_SyntheticPair_ImageIsResizedBgrMinusMeanAndLabelIsNearestTrainIds()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "images", "00001.png"), 8, 6, (_, _) => (30, 60, 90));

        // Label ids by column pair: 7 (road), 26 (car), 5 (not scored), 33 (bicycle).
        byte[] columnIds = [7, 7, 26, 26, 5, 5, 33, 33];
        SyntheticPng.Palette(Path.Combine(temp.Path, "labels", "00001.png"), 8, 6, (x, _) => columnIds[x]);

        var dataset = new Gta5Dataset(temp.Path, width: 4, height: 3);
        Assert.Equal(["00001.png"], dataset.Names);
        using SegmentationSample sample = dataset.Load(0);
        Assert.Equal(new long[] { 3, 3, 4 }, sample.Image.shape);
        Assert.Equal(torch.ScalarType.Float32, sample.Image.dtype);
        Assert.Equal(90 - MeanB, sample.Image[0].mean().item<float>(), 4);
        Assert.Equal(60 - MeanG, sample.Image[1].mean().item<float>(), 4);
        Assert.Equal(30 - MeanR, sample.Image[2].mean().item<float>(), 4);

        Assert.Equal(new long[] { 3, 4 }, sample.Label.shape);
        Assert.Equal(torch.ScalarType.Int64, sample.Label.dtype);

        // Nearest 8 -> 4 takes columns 1, 3, 5, 7: road, car, ignore, bicycle.
        long[] row = sample.Label[1].data<long>().ToArray();
        Assert.Equal(new long[] { 0, 13, 255, 18 }, row);
    }

    [Fact]
    public void Load_DefaultSize_IsThePaperSourceSize1280x720()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "images", "00007.png"), 19, 10, (x, y) => ((byte)x, (byte)y, 0));
        SyntheticPng.Palette(Path.Combine(temp.Path, "labels", "00007.png"), 19, 10, (_, _) => 7);
        using SegmentationSample sample = new Gta5Dataset(temp.Path).Load(0);
        Assert.Equal(new long[] { 3, 720, 1280 }, sample.Image.shape);
        Assert.Equal(new long[] { 720, 1280 }, sample.Label.shape);
    }

    [Fact]
    public void Load_LabelSizeDiffersFromImage_ThrowsNamingTheLabel()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "images", "00002.png"), 8, 6, (_, _) => (1, 2, 3));
        string label = Path.Combine(temp.Path, "labels", "00002.png");
        SyntheticPng.Palette(label, 8, 5, (_, _) => 7);
        var e = Assert.Throws<CityscapesDataException>(() => new Gta5Dataset(temp.Path, width: 4, height: 3).Load(0));
        Assert.Equal(label, e.Path);
        Assert.Contains("8x5", e.Message);
        Assert.Contains("8x6", e.Message);
    }

    [Fact]
    public void Ctor_NoLabelsFolder_ThrowsNamingTheMissingFolder()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "images", "00001.png"), 2, 2, (_, _) => (1, 2, 3));
        var e = Assert.Throws<CityscapesDataException>(() => new Gta5Dataset(temp.Path));
        Assert.Equal(Path.Combine(temp.Path, "labels"), e.Path);
    }

    [Fact]
    public void Ctor_ListNamesAnImageWithoutLabel_ThrowsNamingTheLabel()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "images", "00001.png"), 2, 2, (_, _) => (1, 2, 3));
        SyntheticPng.Rgb(Path.Combine(temp.Path, "images", "00002.png"), 2, 2, (_, _) => (1, 2, 3));
        SyntheticPng.Palette(Path.Combine(temp.Path, "labels", "00001.png"), 2, 2, (_, _) => 7);
        File.WriteAllText(temp.File("train.txt"), "00001.png\n00002.png\n");
        var e = Assert.Throws<CityscapesDataException>(() => new Gta5Dataset(temp.Path, ImageList.Read(temp.File("train.txt"))));
        Assert.Equal(Path.Combine(temp.Path, "labels", "00002.png"), e.Path);
    }
}
