using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class LoveDaDatasetTests
{
    [Fact]
    public void MapMask_NoDataAndClasses_GivesIgnoreAndZeroToSix()
    {
        byte[] values = [0, 1, 2, 3, 4, 5, 6, 7];

        LoveDaClasses.MapMask(values, "m.png");

        Assert.Equal(new byte[] { 255, 0, 1, 2, 3, 4, 5, 6 }, values);
    }

    [Fact]
    public void MapMask_ValueAboveSeven_ThrowsNamingTheFileAndTheValue()
    {
        var e = Assert.Throws<LoveDaDataException>(() => LoveDaClasses.MapMask(new byte[] { 1, 8 }, "/data/m.png"));

        Assert.Contains("'/data/m.png'", e.Message);
        Assert.Contains("value 8", e.Message);
    }

    [Fact]
    public void Open_LayoutWithMasks_ListsImagesInNameOrderAndReadsMappedLabels()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, count: 3, size: 16, firstName: 8);

        var dataset = new LoveDaDataset(temp.Path, LoveDaSplit.Val, LoveDaDomain.Urban, requireMasks: true);
        var (rgb, width, height) = dataset.LoadRgb(0);
        byte[] labels = dataset.LoadLabels(0, width, height);

        Assert.Equal(["10.png", "8.png", "9.png"], dataset.Names);
        Assert.Equal((16, 16), (width, height));
        Assert.Equal(255, labels[0]);                                         // no-data corner
        Assert.Equal(SyntheticLoveDa.Mask(2, 10, 10) - 1, labels[(10 * 16) + 10]); // "10.png" was written third (i = 2)
        Assert.Equal(30 * SyntheticLoveDa.Mask(2, 10, 10), rgb[((10 * 16) + 10) * 3]);
    }

    [Fact]
    public void Open_RequireMasksWithoutMasksFolder_ThrowsNamingTheFolder()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Test, LoveDaDomain.Rural, count: 1, size: 8, masks: false);

        var e = Assert.Throws<LoveDaDataException>(() => new LoveDaDataset(temp.Path, LoveDaSplit.Test, LoveDaDomain.Rural, requireMasks: true));

        Assert.Contains("masks_png", e.Message);
        Assert.Contains("hidden", e.Message);
    }

    [Fact]
    public void LoadLabels_MaskOfAnotherSize_ThrowsNamingTheMask()
    {
        using var temp = new TempDirectory();
        SyntheticLoveDa.Write(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, count: 1, size: 8);
        string mask = Path.Combine(temp.Path, "Train", "Rural", "masks_png", "0.png");
        SyntheticPng.Grey(mask, 6, 8, (_, _) => 1);
        var dataset = new LoveDaDataset(temp.Path, LoveDaSplit.Train, LoveDaDomain.Rural, requireMasks: true);

        var e = Assert.Throws<LoveDaDataException>(() => dataset.LoadLabels(0, 8, 8));

        Assert.Contains(mask, e.Message);
        Assert.Contains("6x8", e.Message);
    }

    [Fact]
    public void Normalise_RgbBytes_AreAlbumentationsNormalizeInFloat32()
    {
        byte[] rgb = [0, 128, 255, 200, 10, 90];
        var chw = new float[6];

        LoveDaDataset.Normalise(rgb, chw);

        // albumentations: (x - mean) * reciprocal(std), all float32; planar R, R, G, G, B, B.
        float R(byte v) => (v - 123.675f) * (1f / 58.395f);
        float G(byte v) => (v - 116.28f) * (1f / 57.12f);
        float B(byte v) => (v - 103.53f) * (1f / 57.375f);
        Assert.Equal(new[] { R(0), R(200), G(128), G(10), B(255), B(90) }, chw);
    }
}
