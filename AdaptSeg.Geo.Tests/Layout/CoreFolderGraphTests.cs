using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Layout;

public sealed class CoreFolderGraphTests
{
    /// <summary>No top-level folder of Core uses a folder that uses it, directly or through others (../shared/STYLE.md: dependencies point one way).</summary>
    [Fact]
    public void Core_FolderDependencies_HaveNoCycles()
    {
        var graph = CoreFolderGraph.Read(Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Core"));

        Assert.Empty(graph.MutualPairs());
        Assert.Empty(graph.Cycles());
    }

    /// <summary>
    /// Core's folders from the bottom up (../shared/STYLE.md, README "Layout"): a folder may use only the
    /// folders before it. Config holds plain records and their checks (no GDAL), so it sits below Raster;
    /// Evaluation is below Training so that training may score; a benchmark plugs its batch source into
    /// Training, which knows none; Experiments train, predict and score, on top.
    /// </summary>
    public static readonly IReadOnlyList<string> Order =
        ["Runtime", "Config", "Raster", "Tiling", "Data", "Models", "Visualisation", "Evaluation", "Inference", "Training", "Benchmarks", "Experiments"];

    [Fact]
    public void Core_FolderDependencies_FollowTheLayerOrder()
    {
        var graph = CoreFolderGraph.Read(Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Core"));

        Assert.Empty(graph.AgainstOrder(Order));
    }

    [Fact]
    public void AgainstOrder_FolderUsingOneAboveIt_ReportsTheUseAndUnlistedFolders()
    {
        using var temp = new TempDirectory();
        Write(temp, "Low/L.cs", "namespace AdaptSeg.Geo.Low;\npublic sealed class L { High.H? h; }");
        Write(temp, "High/H.cs", "namespace AdaptSeg.Geo.High;\npublic sealed class H { Low.L? l; }");
        Write(temp, "Stray/S.cs", "namespace AdaptSeg.Geo.Stray;\npublic sealed class S { }");

        var graph = CoreFolderGraph.Read(temp.Path);

        Assert.Equal(["Low uses High, which is not below it", "Stray is not in the order"], graph.AgainstOrder(["Low", "High"]));
    }

    [Fact]
    public void Cycles_ThreeFoldersInARing_ReportsTheRingOnceFromItsSmallestFolder()
    {
        using var temp = new TempDirectory();
        Write(temp, "Cyan/C.cs", "namespace AdaptSeg.Geo.Cyan;\npublic sealed class C { Amber.A? a; }");
        Write(temp, "Amber/A.cs", "namespace AdaptSeg.Geo.Amber;\npublic sealed class A { Blue.B? b; }");
        Write(temp, "Blue/B.cs", "namespace AdaptSeg.Geo.Blue;\npublic sealed class B { Cyan.C? c; }");
        Write(temp, "Dune/D.cs", "namespace AdaptSeg.Geo.Dune;\npublic sealed class D { Amber.A? a; }");

        var graph = CoreFolderGraph.Read(temp.Path);

        Assert.Empty(graph.MutualPairs());
        Assert.Equal(["Amber -> Blue -> Cyan -> Amber"], graph.Cycles());
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
        Assert.Equal(["Alpha -> Beta -> Alpha"], graph.Cycles());
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
