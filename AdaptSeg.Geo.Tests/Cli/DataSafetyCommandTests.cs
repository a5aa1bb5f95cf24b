using System.CommandLine;
using AdaptSeg.Geo.Cli.Commands;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

/// <summary>
/// Issue 10's cases for predict, evaluate and prepare: each asserts the exit code, the message,
/// that no output appeared under a final name, and that every input is byte-identical afterwards.
/// </summary>
[Collection(GdalSerialCollection.Name)]
public sealed class DataSafetyCommandTests
{
    private static readonly string Landsat = TestPaths.SampleData("L7_ETMs.tif");
    private static readonly string LandsatLabels = TestPaths.SampleData("L7_ETMs_labels.tif");
    private static readonly string Cbers = TestPaths.SampleData("cbers_rgb342_crop1.tif");

    [Fact]
    public async Task Predict_OutputIsSymlinkToInput_Exit2InputUntouched()
    {
        using var temp = new TempDirectory();
        string input = Labels(temp.File("in.tif"));
        File.CreateSymbolicLink(temp.File("link.tif"), input);
        var hashes = FileHashes.Of(temp.Path);

        var (code, _, error) = await RunPredict("--input", input, "--output", temp.File("link.tif"), "--checkpoint", "m", "--overwrite");

        Assert.Equal(2, code);
        Assert.Contains("--output", error);
        Assert.Contains("is the input --input", error);
        Assert.Contains("through a link", error);
        hashes.AssertUnchanged();
        Assert.Equal(["in.tif", "link.tif"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Predict_OutputReachesInputThroughLinkedFolder_Exit2InputUntouched()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("data"));
        string input = Labels(temp.File("data/in.tif"));
        Directory.CreateSymbolicLink(temp.File("alias"), temp.File("data"));
        var hashes = FileHashes.Of(temp.File("data"));

        var (code, _, error) = await RunPredict("--input", input, "--output", temp.File("alias/in.tif"), "--checkpoint", "m", "--overwrite");

        Assert.Equal(2, code);
        Assert.Contains("is the input --input", error);
        hashes.AssertUnchanged();
    }

    [Fact]
    public async Task Predict_ProbabilitiesNameTheCheckpoint_Exit2CheckpointUntouched()
    {
        using var temp = new TempDirectory();
        string input = Labels(temp.File("in.tif"));
        string checkpoint = temp.File("model.pth");
        File.WriteAllBytes(checkpoint, [1, 2, 3, 4]);
        var hashes = FileHashes.Of(temp.Path);

        var (code, _, error) = await RunPredict("--input", input, "--output", temp.File("mask.tif"), "--checkpoint", checkpoint,
            "--probabilities", checkpoint, "--overwrite");

        Assert.Equal(2, code);
        Assert.Contains($"--probabilities '{checkpoint}' is the input --checkpoint", error);
        hashes.AssertUnchanged();
        Assert.False(File.Exists(temp.File("mask.tif")));
    }

    [TmpfsFact]
    public async Task Predict_ProbabilitiesOnFullDisk_FailsAndLeavesNoOutputNorPartialFile()
    {
        using var temp = new TempDirectory();
        string input = Labels(temp.File("in.tif"), 300, 300, noisy: true);
        string full = temp.File("full");
        Directory.CreateDirectory(full);
        Assert.True(TmpfsFactAttribute.Mount(full, "24k"), "mount -t tmpfs failed");
        try
        {
            var hashes = FileHashes.Of(input);
            var (code, output, error) = await RunPredict("--input", input, "--output", temp.File("mask.tif"), "--checkpoint", "m",
                "--probabilities", Path.Combine(full, "p.tif"), "--probability-format", "float32", "--tile-size", "64");

            Assert.True(code is 1 or 2, $"exit {code}: {error}");
            Assert.True(error.Contains(Path.Combine(full, "p.tif"), StringComparison.Ordinal), error);
            Assert.DoesNotContain(".partial-", error);
            Assert.DoesNotContain("mask ", output);
            Assert.False(File.Exists(temp.File("mask.tif")), "the mask was committed although the run failed");
            Assert.Empty(Directory.GetFileSystemEntries(full));
            Assert.Equal(["full", "in.tif"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
            hashes.AssertUnchanged();
        }
        finally
        {
            TmpfsFactAttribute.Unmount(full);
        }
    }

    [TmpfsFact]
    public async Task Predict_VectorsOnFullDisk_MaskAndProbabilitiesNotCommittedEither()
    {
        using var temp = new TempDirectory();
        string input = Labels(temp.File("in.tif"), 120, 90, noisy: true);
        string full = temp.File("full");
        Directory.CreateDirectory(full);
        Assert.True(TmpfsFactAttribute.Mount(full, "24k"), "mount -t tmpfs failed");
        try
        {
            var hashes = FileHashes.Of(input);
            var (code, _, error) = await RunPredict("--input", input, "--output", temp.File("mask.tif"), "--checkpoint", "m",
                "--probabilities", temp.File("p.tif"), "--vectors", Path.Combine(full, "classes.gpkg"), "--tile-size", "64");

            Assert.True(code is 1 or 2, $"exit {code}: {error}");
            Assert.True(error.Contains($"Writing the polygons '{Path.Combine(full, "classes.gpkg")}' failed", StringComparison.Ordinal), error);
            Assert.DoesNotContain(".partial-", error);
            Assert.Empty(Directory.GetFileSystemEntries(full));
            Assert.Equal(["full", "in.tif"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
            hashes.AssertUnchanged();
        }
        finally
        {
            TmpfsFactAttribute.Unmount(full);
        }
    }

    [Fact]
    public async Task Predict_TileLargerThanRaster_ClampedWithNote()
    {
        using var temp = new TempDirectory();
        string input = Labels(temp.File("in.tif"));
        var hashes = FileHashes.Of(input);

        var (code, output, error) = await RunPredict("--input", input, "--output", temp.File("mask.tif"), "--checkpoint", "m", "--tile-size", "2000000000");

        Assert.True(code == 0, error);
        Assert.Contains("note: --tile-size 2000000000 is larger than the raster (40x30); using 40", error);
        Assert.Contains("1 tiles", output);
        hashes.AssertUnchanged();
    }

    [Fact]
    public async Task Predict_AbsurdTileOnHugeRaster_Exit2WithMemoryNeededBeforeAllocating()
    {
        using var temp = new TempDirectory();
        string input = temp.File("huge.tif");
        using (GdalDataset huge = GdalDataset.Create("GTiff", input, 150_000, 150_000, 1, RasterDataType.Byte, ["TILED=YES", "SPARSE_OK=TRUE", "COMPRESS=DEFLATE"]))
        {
            huge.SetGeoTransform(new GeoTransform(290_000, 30, 0, 9_120_000, 0, -30));
        }

        var hashes = FileHashes.Of(input);
        long before = GC.GetTotalAllocatedBytes();

        var (code, _, error) = await RunPredict("--input", input, "--output", temp.File("mask.tif"), "--checkpoint", "m", "--tile-size", "150000");

        Assert.Equal(2, code);
        Assert.Contains("--tile-size 150000 with --batch-size 4 on a 150000x150000 raster", error);
        Assert.Contains("GiB for its tile buffers", error);
        Assert.DoesNotContain("Overflow", error);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 1L << 30, "allocated before refusing");
        hashes.AssertUnchanged();
        Assert.Equal(["huge.tif"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Cli_ArgumentNotValidUtf8_Exit2BeforeAnyWork()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", temp.File("caf\uFFFD.tif"), "--reference", temp.File("r.tif"));
        Assert.Equal(2, code);
        Assert.Contains("is not valid UTF-8", error);
        Assert.Contains("U+FFFD", error);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Evaluate_JsonNamesThePrediction_Exit2RasterAndSidecarUntouched()
    {
        using var temp = new TempDirectory();
        string prediction = Labels(temp.File("mask.tif"));
        File.WriteAllText(prediction + ".aux.xml", "<PAMDataset><PAMRasterBand band=\"1\"><CategoryNames><Category>water</Category><Category>vegetation</Category><Category>other</Category></CategoryNames></PAMRasterBand></PAMDataset>");
        string reference = Labels(temp.File("reference.tif"));
        var hashes = FileHashes.Of(temp.Path);

        foreach (string json in new[] { prediction, reference, prediction + ".aux.xml" })
        {
            var (code, output, error) = await CliRunner.RunAsync("evaluate", "--prediction", prediction, "--reference", reference, "--json", json, "--overwrite");
            Assert.Equal(2, code);
            Assert.Contains("--json", error);
            Assert.True(error.Contains("is the input", StringComparison.Ordinal) || error.Contains("sidecar", StringComparison.Ordinal), error);
            Assert.Equal("", output);
        }

        hashes.AssertUnchanged();
        Assert.Equal(3, hashes.Count);
    }

    [Fact]
    public async Task Evaluate_JsonIsSymlinkToReference_Exit2()
    {
        using var temp = new TempDirectory();
        string prediction = Labels(temp.File("mask.tif"));
        string reference = Labels(temp.File("reference.tif"));
        File.CreateSymbolicLink(temp.File("report.json"), reference);
        var hashes = FileHashes.Of(prediction, reference);

        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", prediction, "--reference", reference, "--classes", "a,b,c", "--json", temp.File("report.json"), "--overwrite");

        Assert.Equal(2, code);
        Assert.Contains("is the input --reference", error);
        hashes.AssertUnchanged();
    }

    [Fact]
    public async Task Evaluate_JsonExistsWithoutOverwrite_Exit2ThenReplacedWithIt()
    {
        using var temp = new TempDirectory();
        string prediction = Labels(temp.File("mask.tif"));
        string reference = Labels(temp.File("reference.tif"));
        string json = temp.File("report.json");
        File.WriteAllText(json, "an older report");
        var hashes = FileHashes.Of(prediction, reference, json);

        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", prediction, "--reference", reference, "--classes", "a,b,c", "--json", json);
        Assert.Equal(2, code);
        Assert.Contains($"--json '{json}' already exists; choose another name or allow replacing it (--overwrite).", error);
        hashes.AssertUnchanged();

        (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", prediction, "--reference", reference, "--classes", "a,b,c", "--json", json, "--overwrite");
        Assert.True(code == 0, error);
        Assert.Contains("miou_percent", File.ReadAllText(json));
        FileHashes.Of(prediction, reference).AssertUnchanged();
    }

    [Fact]
    public async Task Evaluate_RastersDoNotOverlap_Exit2NoOverlappingPixels()
    {
        using var temp = new TempDirectory();
        string prediction = Labels(temp.File("mask.tif"));
        string reference = TinyRaster.Write(temp.File("far.tif"), 40, 30, (c, r) => (c + r) % 3, originX: 500_000);
        var hashes = FileHashes.Of(temp.Path);

        var (code, output, error) = await CliRunner.RunAsync("evaluate", "--prediction", prediction, "--reference", reference, "--classes", "a,b,c", "--json", temp.File("r.json"));

        Assert.Equal(2, code);
        Assert.Contains("no overlapping pixels", error);
        Assert.DoesNotContain("mIoU", output);
        Assert.False(File.Exists(temp.File("r.json")));
        hashes.AssertUnchanged();
    }

    [Fact]
    public async Task Evaluate_FloatReference_Exit2AsPrepare()
    {
        using var temp = new TempDirectory();
        string prediction = Labels(temp.File("mask.tif"));
        string reference = TinyRaster.Write(temp.File("float.tif"), 40, 30, (c, r) => (c + r) % 3, RasterDataType.Float32);
        var hashes = FileHashes.Of(temp.Path);

        var (code, _, error) = await CliRunner.RunAsync("evaluate", "--prediction", prediction, "--reference", reference, "--classes", "a,b,c");

        Assert.Equal(2, code);
        Assert.Contains($"The reference '{reference}' is Float32", error);
        Assert.Contains("gdal_translate -ot Byte", error);
        hashes.AssertUnchanged();
    }

    [Fact]
    public async Task Prepare_OverwriteFolderHoldingInputs_Exit2NothingChanged()
    {
        using var temp = new TempDirectory();
        string data = temp.File("data");
        Directory.CreateDirectory(data);
        foreach (string f in new[] { Landsat, LandsatLabels, Cbers })
        {
            File.Copy(f, Path.Combine(data, Path.GetFileName(f)));
        }

        var hashes = FileHashes.Of(data);
        var (code, _, error) = await CliRunner.RunAsync(Simple(data, Path.Combine(data, "L7_ETMs.tif"), Path.Combine(data, "L7_ETMs_labels.tif"), Path.Combine(data, "cbers_rgb342_crop1.tif"), "--overwrite"));

        Assert.Equal(2, code);
        Assert.Contains("is not a prepared dataset (it has no prepared.json)", error);
        Assert.Contains("nothing in this one was changed", error);
        hashes.AssertUnchanged();
        Assert.Equal(["data"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Prepare_OverwritePreparedFolderThatHoldsAnInput_Exit2NothingChanged()
    {
        using var temp = new TempDirectory();
        string old = temp.File("prepared");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "prepared.json"), "{}");
        string image = Path.Combine(old, "L7_ETMs.tif");
        File.Copy(Landsat, image);
        var hashes = FileHashes.Of(old);

        var (code, _, error) = await CliRunner.RunAsync(Simple(old, image, LandsatLabels, Cbers, "--overwrite"));

        Assert.Equal(2, code);
        Assert.Contains($"--out '{old}' holds the input $.source.scenes[0].image", error);
        hashes.AssertUnchanged();
    }

    [Fact]
    public async Task Prepare_OverwritePreparedFolderThatHoldsTheConfig_Exit2NothingChanged()
    {
        using var temp = new TempDirectory();
        string old = temp.File("prepared");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "prepared.json"), "{}");
        string config = Path.Combine(old, "prepare.json");
        File.WriteAllText(config, File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "sample-configs", "prepare-olinda-to-cbers.json"))
            .Replace("../sample-data/", TestPaths.SampleData("x")[..^1], StringComparison.Ordinal));
        var hashes = FileHashes.Of(old);

        var (code, _, error) = await CliRunner.RunAsync("prepare", "--config", config, "--out", old, "--overwrite");

        Assert.True(code == 2, error);
        Assert.Contains($"--out '{old}' holds the input --config", error);
        hashes.AssertUnchanged();
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("bad\u0007name")]
    public async Task Prepare_SceneOrDomainNameNotAFileName_Exit2BeforeAnyWork(string name)
    {
        using var temp = new TempDirectory();
        string config = temp.File("prepare.json");
        File.WriteAllText(config, $$"""
            {
              "classes": ["water", "vegetation", "other"],
              "source": { "name": {{System.Text.Json.JsonSerializer.Serialize(name)}}, "scenes": [ { "name": "s", "image": {{Q(Landsat)}}, "bands": [3, 4, 2], "labels": {{Q(LandsatLabels)}} } ] },
              "target": { "name": "target", "scenes": [ { "name": {{System.Text.Json.JsonSerializer.Serialize(name)}}, "image": {{Q(Cbers)}}, "bands": [1, 2, 3] } ] }
            }
            """);
        var hashes = FileHashes.Of(config, Landsat, LandsatLabels, Cbers);

        var (code, _, error) = await CliRunner.RunAsync("prepare", "--config", config, "--out", temp.File("out/prepared"));

        Assert.Equal(2, code);
        Assert.Contains("$.source.name", error);
        Assert.Contains("$.target.scenes[0].name", error);
        Assert.Contains("not '.' or '..'", error);
        Assert.DoesNotContain("\u0007", error);
        hashes.AssertUnchanged();
        Assert.Equal(["prepare.json"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Prepare_DamagedTilesInInput_Exit2NamingTheUsersFileNotVsimem()
    {
        using var temp = new TempDirectory();
        string damaged = temp.File("L7_damaged.tif");
        Damage(Landsat, damaged);
        var hashes = FileHashes.Of(damaged);

        var (code, _, error) = await CliRunner.RunAsync(Simple(temp.File("out"), damaged, LandsatLabels, Cbers));

        Assert.Equal(2, code);
        Assert.Contains(damaged, error);
        Assert.DoesNotContain("/vsimem", error);
        hashes.AssertUnchanged();
        Assert.Equal(["L7_damaged.tif"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    private static string Q(string path) => System.Text.Json.JsonSerializer.Serialize(path);

    private static string[] Simple(string outFolder, string sourceImage, string sourceLabels, string targetImage, params string[] more) =>
    [
        "prepare", "--out", outFolder, "--source-image", sourceImage, "--source-labels", sourceLabels, "--source-bands", "3,4,2",
        "--target-image", targetImage, "--target-bands", "1,2,3", "--classes", "water,vegetation,other", .. more,
    ];

    /// <summary>A tiled, compressed copy of <paramref name="source"/> whose later tiles are overwritten with noise: it opens, but reading fails.</summary>
    private static void Damage(string source, string destination)
    {
        string tiled = destination + ".tiled.tif";
        using (GdalDataset src = GdalDataset.Open(source))
        using (GdalDataset dst = GdalDataset.Create("GTiff", tiled, src.Width, src.Height, src.BandCount, src.GetDataType(1), ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=DEFLATE"]))
        {
            dst.ProjectionWkt = src.ProjectionWkt;
            dst.SetGeoTransform(src.GeoTransform!.Value);
            var window = new PixelWindow(0, 0, src.Width, src.Height);
            var buffer = new double[window.Area];
            for (int b = 1; b <= src.BandCount; b++)
            {
                src.Read(b, window, buffer.AsSpan());
                dst.Write<double>(b, window, buffer);
            }
        }

        byte[] bytes = File.ReadAllBytes(tiled);
        File.Delete(tiled);
        var random = new Random(1);
        for (int i = bytes.Length / 4; i < bytes.Length - 100; i += 7)
        {
            bytes[i] = (byte)random.Next(256);
        }

        File.WriteAllBytes(destination, bytes);
    }

    /// <summary>A 40x30 (or given size) class raster 0..2 on a UTM grid.</summary>
    private static string Labels(string path, int width = 40, int height = 30, bool noisy = false)
    {
        var random = new Random(7);
        return TinyRaster.Write(path, width, height, (c, r) => noisy ? random.Next(3) : (c / 10 + r / 10) % 3);
    }

    private static async Task<(int Code, string Output, string Error)> RunPredict(params string[] args)
    {
        var root = new RootCommand { PredictCommand.Create(new BandAsClass()) };
        ParseResult parse = root.Parse(["predict", .. args]);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Empty(parse.Errors);
        int code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A model-free predictor: band 1 holds the class.</summary>
    private sealed class BandAsClass : ITilePredictorFactory
    {
        public ITilePredictor Create(string checkpointPath, string device) => new OneHotBandPredictor(3);
    }
}
