using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Layout;

public sealed class CoreFolderGraphTests
{
    /// <summary>
    /// Cycles that exist today and are being removed (issue 13, item 2: see ../shared/STYLE.md's layout).
    /// This list may only shrink: a new cycle fails the test, and so does a listed one that is gone.
    /// </summary>
    private static readonly string[] KnownCycles = ["Config<->Training", "Data<->Training", "Raster<->Tiling", "Training<->Visualisation"];

    [Fact]
    public void Core_FolderDependencies_HaveNoCyclesBeyondTheKnownOnes()
    {
        var graph = CoreFolderGraph.Read(Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Core"));

        IReadOnlyList<string> cycles = graph.MutualPairs();

        Assert.Empty(cycles.Except(KnownCycles));
        Assert.Empty(KnownCycles.Except(cycles));
    }

    [Fact]
    public void Read_TwoFoldersUsingEachOther_ReportsThePairAndIgnoresCommentsAndStrings()
    {
        using var temp = new TempDirectory();
        Write(temp, "Alpha/A.cs", "using AdaptSeg.Geo.Beta;\nnamespace AdaptSeg.Geo.Alpha;\npublic sealed class A { }");
        Write(temp, "Beta/B.cs", "namespace AdaptSeg.Geo.Beta;\npublic sealed class B { Alpha.A? a; }");
        Write(temp, "Gamma/G.cs", "namespace AdaptSeg.Geo.Gamma;\n// uses AdaptSeg.Geo.Alpha only in a comment\npublic sealed class G { string s = \"Alpha.A\"; }");
        Write(temp, "Alpha/Sub/S.cs", "namespace AdaptSeg.Geo.Alpha.Sub;\npublic sealed class S { Gamma.G? g; }");
        Directory.CreateDirectory(temp.File("obj"));

        var graph = CoreFolderGraph.Read(temp.Path);

        Assert.Equal(["Alpha<->Beta"], graph.MutualPairs());
        Assert.Equal(["Beta", "Gamma"], graph.Uses("Alpha"));
        Assert.Empty(graph.Uses("Gamma"));
    }

    private static void Write(TempDirectory temp, string relative, string text)
    {
        string path = temp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
