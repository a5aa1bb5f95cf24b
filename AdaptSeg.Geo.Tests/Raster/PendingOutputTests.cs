using System.Diagnostics;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Raster;

public sealed class PendingOutputTests
{
    [Fact]
    public void CommitAll_LaterOutputFails_EarlierOneRolledBackAndOldFileRestored()
    {
        using var temp = new TempDirectory();
        string first = temp.File("mask.tif");
        string second = temp.File("probabilities.tif");
        File.WriteAllText(first, "previous mask");
        File.WriteAllText(first + ".aux.xml", "previous sidecar");
        using var a = new PendingOutput(first);
        using var b = new PendingOutput(second);
        File.WriteAllText(a.TemporaryPath, "new mask");
        File.WriteAllText(b.TemporaryPath, "new probabilities");
        Directory.CreateDirectory(second); // appears under the second name meanwhile: its rename fails
        File.WriteAllText(Path.Combine(second, "x"), "x");

        Assert.ThrowsAny<IOException>(() => PendingOutput.CommitAll([a, b]));

        Assert.Equal("previous mask", File.ReadAllText(first));
        Assert.Equal("previous sidecar", File.ReadAllText(first + ".aux.xml"));
        a.Dispose();
        b.Dispose();
        Assert.Equal(["mask.tif", "mask.tif.aux.xml"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void CommitAll_AllSucceed_ReplacesOldFilesAndLeavesNoBackups()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("a.tif"), "old");
        using var a = new PendingOutput(temp.File("a.tif"));
        using var b = new PendingOutput(temp.File("b.json"));
        File.WriteAllText(a.TemporaryPath, "new a");
        File.WriteAllText(b.TemporaryPath, "new b");
        PendingOutput.CommitAll([a, null, b]);
        Assert.Equal("new a", File.ReadAllText(temp.File("a.tif")));
        Assert.Equal(["a.tif", "b.json"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void New_LeftoversOfDeadWriters_RemovedThoseOfLiveOrUnknownWritersKept()
    {
        using var temp = new TempDirectory();
        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        using var alive = Process.Start("sleep", "60")!;
        try
        {
            long aliveStart = PartialFiles.StartTimeOf(alive.Id) ?? throw new InvalidOperationException("no /proc");
            long ownStart = PartialFiles.StartTimeOf(Environment.ProcessId)!.Value;
            string deadFile = temp.File($".m.tif.partial-{dead.Id}-{ownStart}-0123abcd.tif");
            string reusedPid = temp.File($".m.tif.partial-{alive.Id}-{aliveStart + 1}-0123abcd.tif"); // the PID now runs a later process
            string live = temp.File($".m.tif.partial-{alive.Id}-{aliveStart}-89abcdef.tif");
            string unknown = temp.File(".m.tif.partial-0123abcd.tif"); // older name without a PID
            string other = temp.File($".n.tif.partial-{dead.Id}-{ownStart}-0123abcd.tif");
            foreach (string f in new[] { deadFile, deadFile + ".aux.xml", reusedPid, live, unknown, other })
            {
                File.WriteAllText(f, "partial");
            }

            using var output = new PendingOutput(temp.File("m.tif"));

            Assert.False(File.Exists(deadFile));
            Assert.False(File.Exists(deadFile + ".aux.xml"));
            Assert.False(File.Exists(reusedPid));
            Assert.True(File.Exists(live));
            Assert.True(File.Exists(unknown));
            Assert.True(File.Exists(other));
            Assert.Equal(3, output.RemovedLeftovers.Count);
            Assert.Contains($".m.tif.partial-{Environment.ProcessId}-{ownStart}-", output.TemporaryPath);
        }
        finally
        {
            alive.Kill();
            alive.WaitForExit();
        }
    }
}
