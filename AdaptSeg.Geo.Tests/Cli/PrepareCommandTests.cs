using AdaptSeg.Geo.Cli;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.Raster;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

public sealed class PrepareCommandTests
{
    private static readonly string Landsat = TestPaths.SampleData("L7_ETMs.tif");
    private static readonly string LandsatLabels = TestPaths.SampleData("L7_ETMs_labels.tif");
    private static readonly string Cbers = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    private static string[] Simple(string outFolder, string sourceImage = "", string sourceLabels = "", string sourceBands = "3,4,2",
        string targetImage = "", string targetBands = "1,2,3") =>
    [
        "prepare", "--out", outFolder,
        "--source-image", sourceImage == "" ? Landsat : sourceImage, "--source-labels", sourceLabels == "" ? LandsatLabels : sourceLabels,
        "--source-bands", sourceBands, "--target-image", targetImage == "" ? Cbers : targetImage, "--target-bands", targetBands,
        "--classes", "water,vegetation,other",
    ];

    [Fact]
    public async Task Prepare_SimpleOptionsWithCrsAndPixelSize_WritesThatGrid()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = await CliRunner.RunAsync([.. Simple(temp.File("out")), "--crs", "EPSG:32723", "--pixel-size", "60", "--tile-size", "64"]);
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("EPSG:32723", output);
        Assert.Contains("prepare 100% done", error); // progress lines on stderr
        PreparedDataset d = PreparedDataset.Load(temp.File("out"));
        Assert.Equal(60, d.PixelSize);
        Assert.Equal(64, d.TileSize);
        using GdalDataset image = GdalDataset.Open(d.Target.Scenes[0].ImagePath);
        Assert.True(new OutputGrid(d.CrsWkt, 60).IsAligned(image.GeoTransform!.Value));
        Assert.Null(d.Target.Scenes[0].LabelPath);
    }

    [Fact]
    public async Task Prepare_SampleConfig_Succeeds()
    {
        using var temp = new TempDirectory();
        string config = Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json");
        var (code, output, error) = await CliRunner.RunAsync("prepare", "--config", config, "--out", temp.File("out"));
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("EPSG:29192, pixel 28.5", output);
        Assert.Contains("labels for evaluation only", output);
    }

    [Fact]
    public async Task Prepare_RasterWithoutCrs_Exit2NamingFileUnlessAssumeCrs()
    {
        using var temp = new TempDirectory();
        TestRasters.Copy(Landsat, temp.File("nocrs.tif"), keepCrs: false);
        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("out"), sourceImage: temp.File("nocrs.tif")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("nocrs.tif", error);
        Assert.Contains("--assume-crs", error);
        Assert.False(Directory.Exists(temp.File("out")));

        (code, _, error) = await CliRunner.RunAsync([.. Simple(temp.File("out"), sourceImage: temp.File("nocrs.tif")), "--assume-crs", "EPSG:31985"]);
        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public async Task Prepare_BandMapCountsDiffer_Exit2()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("out"), sourceBands: "3,4"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("band map mismatch", error);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public async Task Prepare_BandBeyondFile_Exit2NamingFileAndBand()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("out"), targetBands: "1,2,4"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("cbers_rgb342_crop1.tif", error);
        Assert.Contains("band 4", error);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public async Task Prepare_LabelValuesOutsideClasses_Exit2ListingValues()
    {
        using var temp = new TempDirectory();
        TestRasters.Copy(LandsatLabels, temp.File("labels.tif"), edit: (_, i, v) => i < 10 ? 7 : i < 12 ? 4 : v);
        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("out"), sourceLabels: temp.File("labels.tif")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("labels.tif", error);
        Assert.Contains("4 (2 px), 7 (10 px)", error);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public async Task Prepare_AoiMissingRasters_Exit2()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("aoi.geojson"), """{"type":"Polygon","coordinates":[[[10,45],[11,45],[11,46],[10,46],[10,45]]]}""");
        var (code, _, error) = await CliRunner.RunAsync([.. Simple(temp.File("out")), "--aoi", temp.File("aoi.geojson")]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("aoi.geojson", error);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public async Task Prepare_UnwritableOutputFolder_Exit2()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("afile"), "");
        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("afile/out")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("afile", error);
        Assert.Contains("--out", error);
    }

    [Fact]
    public async Task Prepare_TruncatedTiff_Exit2NamingFile()
    {
        using var temp = new TempDirectory();
        TestRasters.Truncate(Cbers, temp.File("truncated.tif"), 200_000);
        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("out"), targetImage: temp.File("truncated.tif")));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("truncated.tif", error);
        Assert.False(Directory.Exists(temp.File("out")));
        Assert.Equal(["truncated.tif"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Prepare_MissingOptionsWithoutConfig_Exit2ListingAll()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("prepare", "--out", temp.File("out"), "--source-image", Landsat);
        Assert.Equal(ExitCodes.BadInput, code);
        foreach (string option in new[] { "--source-labels", "--source-bands", "--target-image", "--target-bands", "--classes" })
        {
            Assert.Contains(option, error);
        }
    }

    [Fact]
    public async Task Prepare_ConfigWithTypo_Exit2WithJsonPath()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("c.json"), File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json"))
            .Replace("\"tileSize\"", "\"tilesize\"", StringComparison.Ordinal)
            .Replace("../sample-data/", TestPaths.SampleData("") , StringComparison.Ordinal));
        var (code, _, error) = await CliRunner.RunAsync("prepare", "--config", temp.File("c.json"), "--out", temp.File("out"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("$.tilesize: unknown key (did you mean 'tileSize'?)", error);
        Assert.Contains("c.json", error);
    }
}
