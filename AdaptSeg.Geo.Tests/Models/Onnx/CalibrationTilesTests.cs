using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.Data;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Tiling;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

[Collection(GdalSerialCollection.Name)]
public sealed class CalibrationTilesTests(PreparedSampleFixture sample) : IClassFixture<PreparedSampleFixture>
{
    [Fact]
    public void FromPreparedTarget_EveryLabelFileDeleted_ReadsTheTargetImagesOnly()
    {
        using var temp = new TempDirectory();
        string copy = temp.File("prepared");
        foreach (string file in Directory.EnumerateFiles(sample.Dataset.Folder, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(sample.Dataset.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // No label raster of either domain is left: opening one would fail.
        var labels = new[] { sample.Dataset.Source, sample.Dataset.Target }.SelectMany(d => d.Scenes)
            .SelectMany(s => new[] { s.LabelPath, s.TrainingLabelPath }).OfType<string>()
            .Select(p => Path.Combine(copy, Path.GetRelativePath(sample.Dataset.Folder, p))).ToList();
        Assert.NotEmpty(labels);
        foreach (string label in labels)
        {
            foreach (string sidecar in Directory.GetFiles(Path.GetDirectoryName(label)!, Path.GetFileName(label) + "*"))
            {
                File.Delete(sidecar);
            }
        }

        Assert.Throws<PreparedDatasetException>(() => PreparedDataset.Load(copy)); // the full loader needs them
        BandStatistics statistics = sample.Dataset.Target.Statistics;

        CalibrationSet set = CalibrationTiles.FromPreparedTarget(copy, statistics, new CalibrationOptions { Tiles = 6, TileSize = 128 });

        Assert.Equal(6, set.Tiles.Count);
        Assert.Equal(128, set.Size);
        Assert.Equal([Path.Combine(copy, Path.GetRelativePath(sample.Dataset.Folder, sample.Dataset.Target.Scenes[0].ImagePath))], set.Scenes);
        Assert.All(set.Tiles, t => Assert.Equal(3 * 128 * 128, t.Length));
        // Normalised with the given statistics: the values centre near 0, finite, and the tiles differ.
        double mean = set.Tiles.SelectMany(t => t).Average();
        Assert.InRange(mean, -1.5, 1.5);
        Assert.All(set.Tiles, t => Assert.All(t, v => Assert.True(float.IsFinite(v))));
        Assert.NotEqual(set.Tiles[0], set.Tiles[1]);
    }

    [Fact]
    public void FromPreparedTarget_ModelWithOtherBandCount_RefusedNamingTheFolder()
    {
        var e = Assert.Throws<PreparedDatasetException>(() =>
            CalibrationTiles.FromPreparedTarget(sample.Dataset.Folder, new BandStatistics([1, 2], [1, 1]), new CalibrationOptions()));
        Assert.Contains(sample.Dataset.Folder, e.Message);
        Assert.Contains("takes 2", e.Message);
    }

    [Fact]
    public void Spread_SixteenTiles_FirstOnesCoverTheWholeGrid()
    {
        IReadOnlyList<int> order = CalibrationTiles.Spread(16);
        Assert.Equal(Enumerable.Range(0, 16), order.Order());
        Assert.Equal([0, 8, 4, 12], order.Take(4));
        IReadOnlyList<int> odd = CalibrationTiles.Spread(5);
        Assert.Equal(Enumerable.Range(0, 5), odd.Order());
        Assert.Equal(0, odd[0]);
        Assert.Equal(4, odd[1]);
    }
}
