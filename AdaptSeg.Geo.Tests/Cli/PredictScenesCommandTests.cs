using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class PredictScenesCommandTests
{
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Fact]
    public async Task Predict_InputsFolderWithSkipExisting_LoadsOnceAndFinishesOnlyTheRest()
    {
        using var temp = new TempDirectory();
        string scenes = Directory.CreateDirectory(temp.File("scenes")).FullName;
        string masks = Directory.CreateDirectory(temp.File("masks")).FullName;
        foreach (string name in new[] { "a.tif", "b.tif", "c.tif" })
        {
            File.Copy(Labels, Path.Combine(scenes, name));
        }

        File.WriteAllText(Path.Combine(scenes, "notes.txt"), "not a scene");
        File.WriteAllText(Path.Combine(masks, "b_mask.tif"), "keep me: done by an earlier run");
        int loadsBefore = MosaicCommandTests.LabelsAsModel.Loads;

        var (code, output, error) = await MosaicCommandTests.Predict("--inputs", scenes, "--output", masks, "--checkpoint", "x", "--bands", "1", "--tile-size", "256", "--skip-existing");

        Assert.True(code == 0, error);
        Assert.Equal(1, MosaicCommandTests.LabelsAsModel.Loads - loadsBefore);
        Assert.Contains("2 predicted, 1 skipped (mask exists), 0 failed, of 3", output);
        Assert.Equal("keep me: done by an earlier run", File.ReadAllText(Path.Combine(masks, "b_mask.tif")));
        using (var a = GdalDataset.Open(Path.Combine(masks, "a_mask.tif")))
        {
            Assert.Equal((875, 1009), (a.Width, a.Height));
        }

        Assert.True(File.Exists(Path.Combine(masks, "c_mask.tif")));

        // Without --skip-existing (or --overwrite) existing masks are errors, listed, and left alone.
        (code, output, error) = await MosaicCommandTests.Predict("--inputs", scenes, "--output", masks, "--checkpoint", "x", "--bands", "1", "--tile-size", "256");
        Assert.Equal(2, code);
        Assert.Contains("b_mask.tif' already exists", output);
        Assert.Contains("3 scene(s) failed", error);
        Assert.Equal("keep me: done by an earlier run", File.ReadAllText(Path.Combine(masks, "b_mask.tif")));
    }

    [Fact]
    public async Task Predict_InputsListWithShard_SplitsTheListByScene()
    {
        using var temp = new TempDirectory();
        string masks = Directory.CreateDirectory(temp.File("masks")).FullName;
        foreach (string name in new[] { "s0.tif", "s1.tif", "s2.tif" })
        {
            File.Copy(Labels, temp.File(name));
        }

        File.WriteAllLines(temp.File("scenes.txt"), ["# scenes of the run", "s0.tif", "", "s1.tif", temp.File("s2.tif")]);

        var (code, output, error) = await MosaicCommandTests.Predict("--inputs", temp.File("scenes.txt"), "--output", masks, "--checkpoint", "x", "--bands", "1",
            "--tile-size", "256", "--shard", "1/2", "--mask-name", "{name}.classes.tif");

        Assert.True(code == 0, error);
        Assert.Contains("1 predicted, 0 skipped (mask exists), 0 failed, of 1 in shard 1/2 (3 in the list)", output);
        Assert.Equal(["s1.classes.tif"], Directory.GetFiles(masks, "*.tif").Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--mask-name", "mask.tif", "must contain {name}")]
    [InlineData("--vectors", "v.gpkg", "only masks are written")]
    public async Task Predict_InputsWithBadOption_Exit2NamingIt(string option, string value, string expected)
    {
        using var temp = new TempDirectory();
        File.Copy(Labels, temp.File("a.tif"));
        var (code, _, error) = await MosaicCommandTests.Predict("--inputs", temp.File("*.tif"), "--output", temp.Path, "--checkpoint", "x", "--bands", "1", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Equal(["a.tif"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }
}
