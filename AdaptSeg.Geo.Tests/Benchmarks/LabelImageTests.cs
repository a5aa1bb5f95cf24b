using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class LabelImageTests
{
    [Fact]
    public void Read_PalettePng_ReturnsPaletteIndicesNotColours()
    {
        using var temp = new TempDirectory();
        string path = temp.File("00001.png");
        SyntheticPng.Palette(path, 4, 2, (x, y) => (byte)(new byte[] { 7, 26, 0, 33 }[x] + y));
        LabelImage label = LabelImage.Read(path);
        Assert.Equal((4, 2), (label.Width, label.Height));
        Assert.Equal(new byte[] { 7, 26, 0, 33, 8, 27, 1, 34 }, label.Values);
    }

    [Fact]
    public void ReadTrainIds_GreyPng_MapsLabelIds()
    {
        using var temp = new TempDirectory();
        string path = temp.File("x_gtFine_labelIds.png");
        SyntheticPng.Grey(path, 3, 1, (x, _) => new byte[] { 7, 24, 5 }[x]);
        Assert.Equal(new byte[] { 0, 11, 255 }, LabelImage.ReadTrainIds(path).Values);
    }

    [Fact]
    public void Read_RgbPng_ThrowsNamingFileAndSayingWhatIsExpected()
    {
        using var temp = new TempDirectory();
        string path = temp.File("x_gtFine_color.png");
        SyntheticPng.Rgb(path, 3, 2, (_, _) => (128, 64, 128));
        var e = Assert.Throws<CityscapesDataException>(() => LabelImage.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("one 8-bit band", e.Message);
    }

    [Fact]
    public void ReadTrainIds_UnknownId_ThrowsNamingFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bad.png");
        SyntheticPng.Palette(path, 2, 2, (x, y) => x + y == 2 ? (byte)250 : (byte)7);
        var e = Assert.Throws<CityscapesDataException>(() => LabelImage.ReadTrainIds(path));
        Assert.Equal(path, e.Path);
        Assert.Contains("250", e.Message);
    }
}
