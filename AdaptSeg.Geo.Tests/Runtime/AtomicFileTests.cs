using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Runtime;

public sealed class AtomicFileTests
{
    [Fact]
    public void WriteAllText_OverAnExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("sub/report.json");
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "néw");

        Assert.Equal([0x6E, 0xC3, 0xA9, 0x77], File.ReadAllBytes(path)); // UTF-8, no byte-order mark
        Assert.Equal(["report.json"], Directory.GetFiles(temp.File("sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_FailingHalfway_KeepsTheOldFileAndRemovesThePart()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.pth");
        File.WriteAllText(path, "the user's model");

        var failure = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new IOException("disk full");
        }));

        Assert.Equal("disk full", failure.Message);
        Assert.Equal("the user's model", File.ReadAllText(path));
        Assert.Equal(["model.pth"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TemporaryPath_IsHiddenBesideTheFileAndNamesTheProcess()
    {
        string temporary = AtomicFile.TemporaryPath("/data/out/mask.json");
        Assert.Equal("/data/out", Path.GetDirectoryName(temporary));
        Assert.StartsWith($".mask.json.{Environment.ProcessId}-", Path.GetFileName(temporary));
        Assert.EndsWith(".partial", temporary);
    }
}
