using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using NetTopologySuite.Features;

namespace AdaptSeg.Geo.Tests.Data;

public sealed class DatasetPreparerTests(PreparedSampleFixture sample) : IClassFixture<PreparedSampleFixture>
{
    [Fact]
    public void Run_SampleData_GridIsTargetCrsCoarserPixelSizeAndAligned()
    {
        PreparedDataset d = sample.Dataset;
        Assert.Equal(29192, d.Epsg);
        Assert.Equal(28.5, d.PixelSize); // Landsat's 28.5 m is coarser than CBERS's 20 m (rounded from 28.49999999927 in the file)
        Assert.Equal(3, d.BandCount);
        var grid = new OutputGrid(d.CrsWkt, d.PixelSize);
        foreach (PreparedScene scene in d.Source.Scenes.Concat(d.Target.Scenes))
        {
            foreach (string path in new[] { scene.ImagePath, scene.LabelPath! })
            {
                using GdalDataset ds = GdalDataset.Open(path);
                using SpatialReference crs = SpatialReference.FromWkt(ds.ProjectionWkt);
                Assert.Equal(29192, crs.EpsgCode);
                Assert.True(grid.IsAligned(ds.GeoTransform!.Value), $"{path} is not aligned: {ds.GeoTransform}");
                Assert.Equal((scene.Width, scene.Height), (ds.Width, ds.Height));
            }

            using GdalDataset image = GdalDataset.Open(scene.ImagePath);
            using GdalDataset labels = GdalDataset.Open(scene.LabelPath!);
            Assert.Equal(image.GeoTransform, labels.GeoTransform);
        }
    }

    [Fact]
    public void Run_SampleData_LabelsHoldOnlyClassValuesAndTargetLabelsAreEvaluationOnly()
    {
        Assert.False(sample.Dataset.Source.LabelsForEvaluationOnly);
        Assert.True(sample.Dataset.Target.LabelsForEvaluationOnly);
        foreach (PreparedScene scene in sample.Dataset.Source.Scenes.Concat(sample.Dataset.Target.Scenes))
        {
            byte[] labels = TestRasters.ReadAll<byte>(scene.LabelPath!);
            Assert.Equal(0, labels.Count(v => v > 2 && v != 255));
            Assert.All(new byte[] { 0, 1, 2 }, c => Assert.Contains(c, labels));
        }
    }

    [Fact]
    public void Run_SampleData_StatisticsEqualMeanAndStdOfValidPixelsReadBack()
    {
        foreach (PreparedDomain domain in new[] { sample.Dataset.Source, sample.Dataset.Target })
        {
            PreparedScene scene = Assert.Single(domain.Scenes);
            using SceneReader reader = SceneReader.Open(scene);
            (float[] image, bool[] valid) = reader.ReadImage(new PixelWindow(0, 0, reader.Width, reader.Height));
            int area = reader.Width * reader.Height;
            Assert.True(valid.Count(v => v) > area / 2);
            for (int c = 0; c < reader.BandCount; c++)
            {
                double[] v = Enumerable.Range(0, area).Where(i => valid[i]).Select(i => (double)image[c * area + i]).ToArray();
                double mean = v.Average();
                Assert.Equal(mean, domain.Statistics.Mean[c], 1e-6);
                Assert.Equal(Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length), domain.Statistics.Std[c], 1e-6);
            }

            Assert.Equal(valid.Count(v => v), domain.Statistics.ValidPixels);
        }
    }

    [Fact]
    public void Run_SampleData_ChannelsFollowBandMaps()
    {
        // Landsat 3,4,2 and CBERS 1,2,3 are both red, NIR, green: NIR is the brightest channel over vegetation in both.
        using GdalDataset landsat = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        double nirMean = TestRasters.ReadAll<byte>(landsat.Path, 4).Average(v => v);
        Assert.Equal(nirMean, sample.Dataset.Source.Statistics.Mean[1], 1.5);
        double cbersRed = TestRasters.ReadAll<byte>(TestPaths.SampleData("cbers_rgb342_crop1.tif"), 1).Average(v => v);
        Assert.Equal(cbersRed, sample.Dataset.Target.Statistics.Mean[0], 1.5);
    }

    [Fact]
    public void Run_SampleData_TileIndexHasValidTilesWithFootprintsOnTheGrid()
    {
        FeatureCollection tiles = TileIndexWriter.Read(sample.Dataset.TileIndexPath);
        Assert.NotEmpty(tiles);
        PreparedScene cbers = Assert.Single(sample.Dataset.Target.Scenes);
        int cbersTiles = tiles.Count(f => (string)f.Attributes["scene"] == cbers.Name);
        Assert.Equal(DatasetPreparer.TileWindows(cbers.Width, cbers.Height, 256).Count(), cbersTiles); // every tile of the CBERS frame holds data
        foreach (IFeature f in tiles)
        {
            double fraction = Convert.ToDouble(f.Attributes["validFraction"]);
            Assert.InRange(fraction, 1e-9, 1.0);
            Assert.Equal(Convert.ToDouble(f.Attributes["width"]) * Convert.ToDouble(f.Attributes["height"]) * 28.5 * 28.5, f.Geometry.Area, 1e-3);
            Assert.Contains((string)f.Attributes["domain"], new[] { sample.Dataset.Source.Name, sample.Dataset.Target.Name });
        }

        Assert.Contains("EPSG::29192", File.ReadAllText(sample.Dataset.TileIndexPath));
    }

    [Fact]
    public void Run_SampleData_ReportsProgressUpToOne()
    {
        Assert.NotEmpty(sample.Reports);
        Assert.Equal(1.0, sample.Reports[^1].Fraction);
        Assert.Contains(sample.Reports, r => r.Stage == "warp image" && r.Fraction > 0 && r.Fraction < 1);
        Assert.True(sample.Reports.Zip(sample.Reports.Skip(1)).All(p => p.Second.Fraction >= p.First.Fraction - 1e-12));
    }

    [Fact]
    public void Load_PreparedFolder_RoundTripsAbsolutePathsAndRejectsDamage()
    {
        PreparedDataset again = PreparedDataset.Load(sample.Dataset.Folder);
        Assert.Equal(sample.Dataset.Source.Scenes, again.Source.Scenes);
        Assert.True(Path.IsPathRooted(again.Source.Scenes[0].ImagePath));

        using var temp = new TempDirectory();
        var e = Assert.Throws<PreparedDatasetException>(() => PreparedDataset.Load(temp.Path));
        Assert.Contains("prepared.json", e.Message);
        File.WriteAllText(temp.File("prepared.json"), "{ \"format\": 1 }");
        e = Assert.Throws<PreparedDatasetException>(() => PreparedDataset.Load(temp.Path));
        Assert.Contains(temp.File("prepared.json"), e.Message);
    }

    [Fact]
    public void TileWindows_LastRowAndColumnSnappedInside_SmallRasterOneTile()
    {
        var windows = DatasetPreparer.TileWindows(600, 300, 256).ToList();
        Assert.Equal(6, windows.Count);
        Assert.Equal(new PixelWindow(344, 44, 256, 256), windows[^1]);
        Assert.All(windows, w => Assert.True(w.FitsIn(600, 300)));
        Assert.Equal([new PixelWindow(0, 0, 100, 50)], DatasetPreparer.TileWindows(100, 50, 256));
    }

    [Theory]
    [InlineData(28.49999999927454, 28.5)]
    [InlineData(20.0, 20.0)]
    [InlineData(0.000269494585236, 0.000269495)]
    [InlineData(1234567.0, 1234570.0)]
    public void RoundPixelSize_SixSignificantDigits(double size, double expected) =>
        Assert.Equal(expected, DatasetPreparer.RoundPixelSize(size), 1e-12);

    [Fact]
    public void Run_AoiOverPartOfTarget_KeepsOnlyTilesTouchingIt()
    {
        using var temp = new TempDirectory();
        // A small box around the centre of the CBERS scene, in WGS84 longitude/latitude.
        using GdalDataset cbers = GdalDataset.Open(TestPaths.SampleData("cbers_rgb342_crop1.tif"));
        using SpatialReference utm = SpatialReference.FromWkt(cbers.ProjectionWkt);
        using SpatialReference wgs = SpatialReference.FromUserInput("EPSG:4326");
        (double cx, double cy) = cbers.GeoTransform!.Value.PixelToWorld(cbers.Width / 2.0, cbers.Height / 2.0);
        double[] x = [cx - 500, cx + 500];
        double[] y = [cy - 500, cy + 500];
        utm.Transform(wgs, x, y);
        File.WriteAllText(temp.File("aoi.geojson"), Box(x[0], y[0], x[1], y[1]));

        PreparedDataset d = new DatasetPreparer(sample.Config with { Aoi = temp.File("aoi.geojson") }).Run(temp.File("out"));
        FeatureCollection tiles = TileIndexWriter.Read(d.TileIndexPath);
        Assert.InRange(tiles.Count, 1, 4);
        Assert.All(tiles, f => Assert.Equal(d.Target.Name, (string)f.Attributes["domain"]));
    }

    [Fact]
    public void Run_AoiMissingRasters_ThrowsInputErrorAndWritesNothing()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("aoi.geojson"), Box(10, 45, 11, 46)); // the Alps
        var e = Assert.Throws<PrepareInputException>(() => new DatasetPreparer(sample.Config with { Aoi = temp.File("aoi.geojson") }).Run(temp.File("out")));
        Assert.Contains("aoi.geojson", e.Message);
        Assert.Contains("does not overlap", e.Message);
        Assert.Equal([temp.File("aoi.geojson")], Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Run_CancelledMidway_LeavesNoOutputAndNoPartialFolder()
    {
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<PrepareProgress>(p => { if (p.Stage == "labels") { cts.Cancel(); } });
        Assert.ThrowsAny<OperationCanceledException>(() => new DatasetPreparer(sample.Config).Run(temp.File("out"), false, progress, cts.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Run_OutputNotEmpty_RefusesWithoutOverwriteAndReplacesOnlyAPreparedOutputWithIt()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("out"));
        File.WriteAllText(temp.File("out/keep.txt"), "mine");
        var e = Assert.Throws<PrepareInputException>(() => new DatasetPreparer(sample.Config).Run(temp.File("out")));
        Assert.Contains("PreparationOptions.Overwrite", e.Message);
        Assert.Equal("mine", File.ReadAllText(temp.File("out/keep.txt")));

        // Not a prepared dataset: --overwrite does not make it one to replace.
        e = Assert.Throws<PrepareInputException>(() => new DatasetPreparer(sample.Config).Run(temp.File("out"), overwrite: true));
        Assert.Contains("not a prepared dataset", e.Message);
        Assert.Equal("mine", File.ReadAllText(temp.File("out/keep.txt")));

        new DatasetPreparer(sample.Config).Run(temp.File("prepared"));
        File.WriteAllText(temp.File("prepared/stale.txt"), "from the old run");
        new DatasetPreparer(sample.Config).Run(temp.File("prepared"), overwrite: true);
        Assert.False(File.Exists(temp.File("prepared/stale.txt")));
        Assert.True(File.Exists(temp.File("prepared/prepared.json")));
        Assert.Equal(["out", "prepared"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Run_VectorLabelsByClassName_BurnsClassesInGridCrsAndIgnoreElsewhere()
    {
        using var temp = new TempDirectory();
        // Two boxes in WGS84 inside the Landsat scene (which is in EPSG:31985): water and other.
        using GdalDataset landsat = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        using SpatialReference utm = SpatialReference.FromWkt(landsat.ProjectionWkt);
        using SpatialReference wgs = SpatialReference.FromUserInput("EPSG:4326");
        GeoTransform t = landsat.GeoTransform!.Value;
        (double ax, double ay) = t.PixelToWorld(50, 50);
        (double bx, double by) = t.PixelToWorld(200, 200);
        double[] x = [ax, ax + 1500, bx, bx + 1500];
        double[] y = [ay - 1500, ay, by - 1500, by];
        utm.Transform(wgs, x, y);
        File.WriteAllText(temp.File("labels.geojson"), $$"""
            {"type":"FeatureCollection","features":[
              {{Feature(x[0], y[0], x[1], y[1], "\"water\"")}},
              {{Feature(x[2], y[2], x[3], y[3], "\"other\"")}}]}
            """);
        SceneConfig scene = sample.Config.Source.Scenes[0] with { Labels = temp.File("labels.geojson"), LabelField = "cls" };
        PrepareConfig config = sample.Config with { Source = sample.Config.Source with { Scenes = [scene] } };

        PreparedDataset d = new DatasetPreparer(config).Run(temp.File("out"));
        byte[] labels = TestRasters.ReadAll<byte>(d.Source.Scenes[0].LabelPath!);
        int water = labels.Count(v => v == 0);
        int other = labels.Count(v => v == 2);
        double expected = 1500.0 * 1500 / (28.5 * 28.5);
        Assert.InRange(water, expected * 0.8, expected * 1.2);
        Assert.InRange(other, expected * 0.8, expected * 1.2);
        Assert.Equal(0, labels.Count(v => v == 1));
        Assert.Equal(labels.Length - water - other, labels.Count(v => v == 255));

        File.WriteAllText(temp.File("bad.geojson"), $$"""
            {"type":"FeatureCollection","features":[{{Feature(x[0], y[0], x[1], y[1], "\"lake\"")}}]}
            """);
        scene = scene with { Labels = temp.File("bad.geojson") };
        var e = Assert.Throws<PrepareInputException>(() =>
            new DatasetPreparer(config with { Source = config.Source with { Scenes = [scene] } }).Run(temp.File("out2")));
        Assert.Contains("lake", e.Message);
        Assert.Contains("bad.geojson", e.Message);
        Assert.False(Directory.Exists(temp.File("out2")));
    }

    [Fact]
    public void Run_VectorLabelsByClassIndex_OutOfRangeValuesListed()
    {
        using var temp = new TempDirectory();
        using GdalDataset landsat = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        (double x0, double y1) = landsat.GeoTransform!.Value.PixelToWorld(100, 100);
        (double x1, double y0) = landsat.GeoTransform!.Value.PixelToWorld(150, 150);
        // Projected GeoJSON (the scene's own CRS, named in a legacy "crs" member) with integer class codes.
        string Collection(params string[] codes) => $$$"""
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::31985"}},"features":[
            {{{string.Join(",", codes.Select(c => Feature(x0, y0, x1, y1, c)))}}}]}
            """;
        File.WriteAllText(temp.File("codes.geojson"), Collection("1"));
        SceneConfig scene = sample.Config.Source.Scenes[0] with { Labels = temp.File("codes.geojson"), LabelField = "cls" };
        PrepareConfig config = sample.Config with { Source = sample.Config.Source with { Scenes = [scene] } };
        PreparedDataset d = new DatasetPreparer(config).Run(temp.File("out"));
        byte[] labels = TestRasters.ReadAll<byte>(d.Source.Scenes[0].LabelPath!);
        Assert.InRange(labels.Count(v => v == 1), 50 * 50 * 0.8, 50 * 50 * 1.2);
        Assert.Equal(labels.Length, labels.Count(v => v is 1 or 255));

        File.WriteAllText(temp.File("bad.geojson"), Collection("1", "5", "-1"));
        scene = scene with { Labels = temp.File("bad.geojson") };
        var e = Assert.Throws<PrepareInputException>(() =>
            new DatasetPreparer(config with { Source = config.Source with { Scenes = [scene] } }).Run(temp.File("out2")));
        Assert.Contains("-1, 5", e.Message);
        Assert.Contains("0..2", e.Message);
    }

    [Fact]
    public void Run_ProjectedAoiWithCrsMember_IsReprojectedToTheGrid()
    {
        using var temp = new TempDirectory();
        // A box in the Landsat scene's own CRS (EPSG:31985); the grid is the CBERS CRS (EPSG:29192).
        using GdalDataset landsat = GdalDataset.Open(TestPaths.SampleData("L7_ETMs.tif"));
        (double x0, double y1) = landsat.GeoTransform!.Value.PixelToWorld(10, 10);
        (double x1, double y0) = landsat.GeoTransform!.Value.PixelToWorld(40, 40);
        File.WriteAllText(temp.File("aoi.geojson"), $$$"""
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::31985"}},"features":[{{{Feature(x0, y0, x1, y1, "1")}}}]}
            """);
        PreparedDataset d = new DatasetPreparer(sample.Config with { Aoi = temp.File("aoi.geojson") }).Run(temp.File("out"));
        FeatureCollection tiles = TileIndexWriter.Read(d.TileIndexPath);
        IFeature tile = Assert.Single(tiles);
        Assert.Equal(d.Source.Name, (string)tile.Attributes["domain"]);
        Assert.Equal(0, Convert.ToInt32(tile.Attributes["column"]));
        Assert.Equal(0, Convert.ToInt32(tile.Attributes["row"]));
    }

    [Fact]
    public void Run_TileWithoutValidPixel_IsSkippedAndNodataExcludedFromStatistics()
    {
        using var temp = new TempDirectory();
        // Landsat with nodata 0 over its top-left 300x300 pixels in band 2 only, on its own grid.
        const int w = 349;
        TestRasters.Copy(TestPaths.SampleData("L7_ETMs.tif"), temp.File("holes.tif"),
            edit: (band, i, v) => band == 2 && i % w < 300 && i / w < 300 ? 0 : Math.Max(v, 1), noData: 0);
        SceneConfig scene = sample.Config.Source.Scenes[0] with { Image = temp.File("holes.tif") };
        PrepareConfig config = sample.Config with
        {
            Grid = new GridConfig { Crs = "EPSG:31985", PixelSize = 28.5 },
            Source = sample.Config.Source with { Scenes = [scene] },
        };

        PreparedDataset d = new DatasetPreparer(config).Run(temp.File("out"));
        var sourceTiles = TileIndexWriter.Read(d.TileIndexPath).Where(f => (string)f.Attributes["domain"] == d.Source.Name).ToList();
        Assert.DoesNotContain(sourceTiles, f => Convert.ToInt32(f.Attributes["column"]) == 0 && Convert.ToInt32(f.Attributes["row"]) == 0);
        Assert.Equal(DatasetPreparer.TileWindows(d.Source.Scenes[0].Width, d.Source.Scenes[0].Height, 256).Count() - 1, sourceTiles.Count);
        // Band 2 is channel 2 of the 3,4,2 map: its zeros are nodata, so every band of those pixels is left out.
        Assert.InRange(d.Source.Statistics.ValidPixels, 349 * 352 - 300 * 300 - 2000, 349 * 352 - 300 * 300 + 2000);
        Assert.True(d.Source.Statistics.Mean.All(m => m > 1));
    }

    [Fact]
    public void Run_TargetTrainingLabels_WarpedOntoTheImageGridApartFromEvaluationLabels()
    {
        using var temp = new TempDirectory();
        // Pseudo-labels: the CBERS labels with every seventh pixel ignored.
        TestRasters.Copy(TestPaths.SampleData("cbers_rgb342_crop1_labels.tif"), temp.File("pseudo.tif"), edit: (_, i, v) => i % 7 == 0 ? 255 : v);
        SceneConfig target = sample.Config.Target.Scenes[0] with { TrainingLabels = temp.File("pseudo.tif") };
        PrepareConfig config = sample.Config with { Target = sample.Config.Target with { Scenes = [target] } };

        PreparedDataset d = new DatasetPreparer(config).Run(temp.File("out"));

        PreparedScene scene = Assert.Single(d.Target.Scenes);
        Assert.NotNull(scene.TrainingLabelPath);
        Assert.NotEqual(scene.LabelPath, scene.TrainingLabelPath);
        Assert.Null(Assert.Single(d.Source.Scenes).TrainingLabelPath);
        using (GdalDataset image = GdalDataset.Open(scene.ImagePath))
        using (GdalDataset training = GdalDataset.Open(scene.TrainingLabelPath!))
        {
            Assert.Equal(image.GeoTransform, training.GeoTransform);
            Assert.Equal((image.Width, image.Height), (training.Width, training.Height));
        }

        byte[] evaluation = TestRasters.ReadAll<byte>(scene.LabelPath!);
        byte[] pseudo = TestRasters.ReadAll<byte>(scene.TrainingLabelPath!);
        Assert.True(pseudo.Count(v => v == 255) > evaluation.Count(v => v == 255));
        // Where the pseudo-labels keep a pixel, they mostly agree with the evaluation labels (mode/nearest of the same classes).
        int kept = pseudo.Count(v => v != 255);
        int agree = Enumerable.Range(0, pseudo.Length).Count(i => pseudo[i] != 255 && pseudo[i] == evaluation[i]);
        Assert.True(agree >= 0.9 * kept, $"{agree} of {kept}");
        Assert.Equal(scene.TrainingLabelPath, PreparedDataset.Load(d.Folder).Target.Scenes[0].TrainingLabelPath);
        Assert.Contains("\"trainingLabels\": \"", File.ReadAllText(Path.Combine(d.Folder, "prepared.json")));
    }

    private static string Feature(double x0, double y0, double x1, double y1, string cls) =>
        $$"""{"type":"Feature","properties":{"cls":{{cls}}},"geometry":{{Polygon(x0, y0, x1, y1)}}}""";

    private static string Box(double x0, double y0, double x1, double y1) =>
        $$"""{"type":"FeatureCollection","features":[{{Feature(x0, y0, x1, y1, "1")}}]}""";

    private static string Polygon(double x0, double y0, double x1, double y1) =>
        FormattableString.Invariant($"{{\"type\":\"Polygon\",\"coordinates\":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}");
}
