using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Data;

/// <summary>The sample config prepared once for the tests that inspect the result.</summary>
public sealed class PreparedSampleFixture : IDisposable
{
    private readonly TempDirectory temp = new();

    public PreparedSampleFixture()
    {
        Config = PrepareConfigReader.Load(Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json"));
        var reports = new List<PrepareProgress>();
        Dataset = new DatasetPreparer(Config).Run(temp.File("prepared"), progress: new SynchronousProgress<PrepareProgress>(reports.Add));
        Reports = reports;
    }

    public PrepareConfig Config { get; }

    public PreparedDataset Dataset { get; }

    public IReadOnlyList<PrepareProgress> Reports { get; }

    public void Dispose() => temp.Dispose();
}
