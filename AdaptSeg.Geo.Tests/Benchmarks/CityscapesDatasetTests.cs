using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class CityscapesDatasetTests
{
    [Fact]
    public void Ctor_ScanningVal_FindsImagesOfEveryCityAndDerivesLabelPaths()
    {
        using var temp = new TempDirectory();
        WritePair(temp.Path, "val", "lindau/lindau_000000_000019", 4, 2);
        WritePair(temp.Path, "val", "frankfurt/frankfurt_000000_000294", 4, 2);
        var dataset = new CityscapesDataset(temp.Path, "val");
        Assert.Equal(["frankfurt/frankfurt_000000_000294_leftImg8bit.png", "lindau/lindau_000000_000019_leftImg8bit.png"], dataset.Names);
        Assert.Equal(Path.Combine(temp.Path, "gtFine", "val", "lindau", "lindau_000000_000019_gtFine_labelIds.png"), dataset.LabelPath(1));
        Assert.Equal(Path.Combine(temp.Path, "leftImg8bit", "val", "lindau", "lindau_000000_000019_leftImg8bit.png"), dataset.ImagePath(1));
    }

    [Fact]
    public void Ctor_WithList_KeepsTheListOrder()
    {
        using var temp = new TempDirectory();
        WritePair(temp.Path, "val", "a/a_1", 4, 2);
        WritePair(temp.Path, "val", "b/b_1", 4, 2);
        File.WriteAllText(temp.File("val.txt"), "b/b_1_leftImg8bit.png\na/a_1_leftImg8bit.png\n");
        var dataset = new CityscapesDataset(temp.Path, "val", ImageList.Read(temp.File("val.txt")));
        Assert.Equal(["b/b_1_leftImg8bit.png", "a/a_1_leftImg8bit.png"], dataset.Names);
    }

    [Fact]
    public void LoadImageTensor_Default_IsThePaperTargetSize1024x512()
    {
        using var temp = new TempDirectory();
        WritePair(temp.Path, "train", "c/c_1", 8, 4);
        using var image = new CityscapesDataset(temp.Path, "train", requireLabels: false).LoadImageTensor(0);
        Assert.Equal(new long[] { 3, 512, 1024 }, image.shape);
    }

    [Fact]
    public void LoadTrainIds_FullResolution_MapsLabelIds()
    {
        using var temp = new TempDirectory();
        WritePair(temp.Path, "val", "c/c_1", 4, 2);
        LabelImage label = new CityscapesDataset(temp.Path).LoadTrainIds(0);
        Assert.Equal((4, 2), (label.Width, label.Height));
        Assert.Equal(new byte[] { 0, 1, 2, 255, 0, 1, 2, 255 }, label.Values);
    }

    [Fact]
    public void Ctor_NoGtFine_ThrowsNamingTheMissingFolder()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "leftImg8bit", "val", "c", "c_1_leftImg8bit.png"), 2, 2, (_, _) => (1, 2, 3));
        var e = Assert.Throws<CityscapesDataException>(() => new CityscapesDataset(temp.Path));
        Assert.Equal(Path.Combine(temp.Path, "gtFine", "val"), e.Path);
        Assert.Contains("gtFine", e.Message);
    }

    [Fact]
    public void Ctor_MissingRoot_ThrowsNamingIt()
    {
        var e = Assert.Throws<CityscapesDataException>(() => new CityscapesDataset("/no/such/cityscapes"));
        Assert.Contains("/no/such/cityscapes", e.Message);
    }

    [Fact]
    public void LoadTrainIds_LabelSizeDiffersFromImage_ThrowsNamingTheLabel()
    {
        using var temp = new TempDirectory();
        SyntheticPng.Rgb(Path.Combine(temp.Path, "leftImg8bit", "val", "c", "c_1_leftImg8bit.png"), 4, 2, (_, _) => (1, 2, 3));
        string label = Path.Combine(temp.Path, "gtFine", "val", "c", "c_1_gtFine_labelIds.png");
        SyntheticPng.Grey(label, 2, 1, (_, _) => 7);
        var e = Assert.Throws<CityscapesDataException>(() => new CityscapesDataset(temp.Path).LoadTrainIds(0));
        Assert.Equal(label, e.Path);
    }

    [Fact]
    public void Ctor_ListNameWithoutLeftImg8bitSuffix_ThrowsShowingTheExpectedForm()
    {
        using var temp = new TempDirectory();
        WritePair(temp.Path, "val", "a/a_1", 4, 2);
        File.WriteAllText(temp.File("val.txt"), "a/a_1_gtFine_labelIds.png\n");
        var e = Assert.Throws<CityscapesDataException>(() => new CityscapesDataset(temp.Path, "val", ImageList.Read(temp.File("val.txt"))));
        Assert.Contains("_leftImg8bit.png", e.Message);
        Assert.Contains("a/a_1_gtFine_labelIds.png", e.Message);
    }

    /// <summary>An image and its labelIds (columns cycle road 7, sidewalk 8, building 11, unlabeled 0).</summary>
    internal static void WritePair(string root, string split, string stem, int width, int height)
    {
        SyntheticPng.Rgb(Path.Combine(root, "leftImg8bit", split, stem + "_leftImg8bit.png"), width, height, (x, y) => ((byte)(10 * x), (byte)(20 * y), 5));
        byte[] ids = [7, 8, 11, 0];
        SyntheticPng.Grey(Path.Combine(root, "gtFine", split, stem + "_gtFine_labelIds.png"), width, height, (x, _) => ids[x % 4]);
    }
}
