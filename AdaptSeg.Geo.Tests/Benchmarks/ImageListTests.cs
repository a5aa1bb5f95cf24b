using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Benchmarks;

public sealed class ImageListTests
{
    [Fact]
    public void Read_ReferenceStyleList_TrimsLinesAndSkipsBlankOnes()
    {
        using var temp = new TempDirectory();
        string list = temp.File("val.txt");
        File.WriteAllText(list, "frankfurt/frankfurt_000001_007973_leftImg8bit.png\r\n\n  lindau/lindau_000052_000019_leftImg8bit.png  \n");
        Assert.Equal(
            ["frankfurt/frankfurt_000001_007973_leftImg8bit.png", "lindau/lindau_000052_000019_leftImg8bit.png"],
            ImageList.Read(list));
    }

    [Theory]
    [InlineData("/abs/00001.png")]
    [InlineData("../00001.png")]
    public void Read_NameOutsideTheImageFolder_ThrowsWithLineNumber(string name)
    {
        using var temp = new TempDirectory();
        string list = temp.File("train.txt");
        File.WriteAllText(list, "00001.png\n" + name + "\n");
        var e = Assert.Throws<CityscapesDataException>(() => ImageList.Read(list));
        Assert.Contains("line 2", e.Message);
        Assert.Contains(list, e.Message);
    }

    [Fact]
    public void Read_MissingOrEmptyList_ThrowsNamingIt()
    {
        using var temp = new TempDirectory();
        Assert.Contains(temp.File("none.txt"), Assert.Throws<CityscapesDataException>(() => ImageList.Read(temp.File("none.txt"))).Message);
        File.WriteAllText(temp.File("empty.txt"), "\n\n");
        Assert.Contains("names no images", Assert.Throws<CityscapesDataException>(() => ImageList.Read(temp.File("empty.txt"))).Message);
    }

    [Fact]
    public void Scan_NestedFolders_ReturnsRelativeNamesInOrdinalOrder()
    {
        using var temp = new TempDirectory();
        foreach (string name in new[] { "b/b_1_x.png", "a/a_2_x.png", "a/a_1_x.png", "a/notes.txt" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp.File(name))!);
            File.WriteAllText(temp.File(name), "");
        }

        Assert.Equal(["a/a_1_x.png", "a/a_2_x.png", "b/b_1_x.png"], ImageList.Scan(temp.Path, "_x.png"));
    }
}
