using System.Diagnostics;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Raster;

public sealed class OutputGuardTests
{
    [Fact]
    public void Check_OutputIsSymlinkToInput_RefusedEvenWithOverwrite()
    {
        using var temp = new TempDirectory();
        string input = temp.File("image.tif");
        File.WriteAllText(input, "pixels");
        File.CreateSymbolicLink(temp.File("link.tif"), input);

        var e = Assert.Throws<UnsafePathException>(() => OutputGuard.Check([("--input", input)], [("--output", temp.File("link.tif"))], overwrite: true));
        Assert.Contains("is the input --input", e.Message);
        Assert.Contains("through a link", e.Message);
        Assert.Contains("not even when overwriting is allowed", e.Message);
    }

    [Fact]
    public void Check_OutputIsHardLinkOrPathThroughLinkedFolder_Refused()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("data"));
        string input = temp.File("data/image.tif");
        File.WriteAllText(input, "pixels");
        Directory.CreateSymbolicLink(temp.File("alias"), temp.File("data"));
        using (var ln = Process.Start("ln", [input, temp.File("hard.tif")])!)
        {
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }


        Assert.Throws<UnsafePathException>(() => OutputGuard.Check([("--input", input)], [("--output", temp.File("hard.tif"))], overwrite: true));
        Assert.Throws<UnsafePathException>(() => OutputGuard.Check([("--input", input)], [("--output", temp.File("alias/image.tif"))], overwrite: true));
        Assert.Throws<UnsafePathException>(() => OutputGuard.Check([("--input", input)], [("--output", temp.File("data/../data/image.tif"))], overwrite: true));
    }

    [Fact]
    public void Check_OutputIsSidecarOfInput_Refused()
    {
        using var temp = new TempDirectory();
        string input = temp.File("mask.tif");
        File.WriteAllText(input, "pixels");
        File.WriteAllText(input + ".aux.xml", "<PAMDataset/>");

        var e = Assert.Throws<UnsafePathException>(() => OutputGuard.Check([("--prediction", input)], [("--json", input + ".aux.xml")], overwrite: true));
        Assert.Contains("sidecar", e.Message);
    }

    [Fact]
    public void Check_TwoOutputsOneFileOrExistingWithoutOverwrite_Refused()
    {
        using var temp = new TempDirectory();
        string existing = temp.File("old.tif");
        File.WriteAllText(existing, "old");

        var same = Assert.Throws<UnsafePathException>(() => OutputGuard.Check([], [("--output", temp.File("a.tif")), ("--probabilities", temp.File("./a.tif"))], overwrite: true));
        Assert.Contains("name the same file", same.Message);
        var exists = Assert.Throws<UnsafePathException>(() => OutputGuard.Check([], [("--output", existing)], overwrite: false));
        Assert.Contains("allow replacing it (Overwrite)", exists.Message);
        OutputGuard.Check([("--input", temp.File("in.tif"))], [("--output", existing)], overwrite: true);
    }

    [Fact]
    public void Check_RemoteInputs_ComparedByText()
    {
        OutputGuard.Check([("--input", "/vsicurl/https://example.org/a.tif")], [("--output", "/tmp/adaptseg-guard-a.tif")], overwrite: true);
        Assert.Throws<UnsafePathException>(() =>
            OutputGuard.Check([("--input", "/vsis3/bucket/a.tif")], [("--output", "/vsis3/bucket/a.tif")], overwrite: true));
    }

    [Fact]
    public void Check_PathNotValidUtf8_RefusedWithClearMessage()
    {
        var e = Assert.Throws<UnsafePathException>(() => OutputGuard.Check([("--input", "/data/caf\uFFFD.tif")], [("--output", "/tmp/x.tif")], overwrite: false));
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains("--input", e.Message);
    }

    [Fact]
    public void CheckFolder_InputInsideTheFolder_Refused()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("out/source"));
        string input = temp.File("out/source/image.tif");
        File.WriteAllText(input, "pixels");

        var e = Assert.Throws<UnsafePathException>(() => OutputGuard.CheckFolder([("$.source.scenes[0].image", input)], "--out", temp.File("out")));
        Assert.Contains("holds the input", e.Message);
        OutputGuard.CheckFolder([("$.source.scenes[0].image", input)], "--out", temp.File("elsewhere"));
    }

    [Fact]
    public void FileIdentity_SameFileThroughLink_EqualDifferentFilesNot()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("a"), "a");
        File.WriteAllText(temp.File("b"), "b");
        File.CreateSymbolicLink(temp.File("l"), temp.File("a"));
        Assert.True(FileIdentity.Same(temp.File("a"), temp.File("l")));
        Assert.False(FileIdentity.Same(temp.File("a"), temp.File("b")));
        Assert.Null(FileIdentity.Of(temp.File("missing")));
    }
}
