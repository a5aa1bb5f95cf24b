using System.Reflection;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>Paths to the repository's sample data and the test fixtures.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding AdaptSeg.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>A file under sample-data/.</summary>
    public static string SampleData(string name) => Path.Combine(RepoRoot, "sample-data", name);

    /// <summary>A file copied from AdaptSeg.Geo.Tests/Fixtures into the test output.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The NuGet package root the build used.</summary>
    public static string NuGetPackageRoot =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "NuGetPackageRoot").Value!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AdaptSeg.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No AdaptSeg.sln above {AppContext.BaseDirectory}.");
    }
}
