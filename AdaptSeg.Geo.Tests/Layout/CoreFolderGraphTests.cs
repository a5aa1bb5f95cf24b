using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Layout;

public sealed class CoreFolderGraphTests
{
    /// <summary>No two top-level folders of Core use each other (the layout in ../shared/STYLE.md: dependencies point one way).</summary>
    [Fact]
    public void Core_FolderDependencies_HaveNoCycles()
    {
        var graph = CoreFolderGraph.Read(Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Core"));

        Assert.Empty(graph.MutualPairs());
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
