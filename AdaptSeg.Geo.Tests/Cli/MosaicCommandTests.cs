using System.CommandLine;
using AdaptSeg.Geo.Cli.Commands;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Tests.Inference;

namespace AdaptSeg.Geo.Tests.Cli;

[Collection(GdalSerialCollection.Name)]
public sealed class MosaicCommandTests
{
    private static readonly string Labels = TestPaths.SampleData("cbers_rgb342_crop1_labels.tif");

    [Fact]
    public async Task Mosaic_FourShardsFromPredict_EqualsTheSingleRunAsCog()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await Predict("--input", Labels, "--output", temp.File("single.tif"), "--checkpoint", "x", "--bands", "1", "--tile-size", "128");
        Assert.True(code == 0, error);
        await PredictShards(temp, 4);

        (code, string output, error) = await CliRunner.RunAsync("mosaic", "--shards", temp.File("mask.tif"), "--output", temp.File("joined.tif"), "--cog");
        Assert.True(code == 0, error);
        Assert.Contains("4 shards", output);
        Assert.Equal(ReadMask(temp.File("single.tif")), ReadMask(temp.File("joined.tif")));
        using var cog = GdalDataset.Open(temp.File("joined.tif"));
        Assert.Equal(["water", "vegetation", "other"], RasterClassStyle.ReadClassNames(cog, 1));
    }

    [Theory]
    [InlineData("missing", "missing: shard(s) 2 of 4")]
    [InlineData("duplicated", "duplicated: shard 1 of 4")]
    [InlineData("other-count", "is shard 0 of 3, the others are of 4")]
    [InlineData("other-tiling", "differs from shard 0 in tiling")]
    [InlineData("truncated-file", "mismatched: 'mask.shard-3-of-4.tif' is 875x")]
    public async Task Mosaic_BadShardSet_Exit2ListingTheShardsAndWritesNothing(string defect, string expected)
    {
        using var temp = new TempDirectory();
        await PredictShards(temp, 4);
        switch (defect)
        {
            case "missing":
                File.Delete(temp.File("mask.shard-2-of-4.json"));
                break;
            case "duplicated":
                File.Copy(temp.File("mask.shard-1-of-4.json"), temp.File("mask.shard-9-of-4.json"));
                break;
            case "other-count":
                await PredictShard(temp, 0, 3);
                break;
            case "other-tiling":
                var (code, _, error) = await Predict("--input", Labels, "--output", temp.File("mask.tif"), "--checkpoint", "x", "--bands", "1",
                    "--tile-size", "128", "--overlap", "48", "--shard", "3/4", "--overwrite");
                Assert.True(code == 0, error);
                break;
            case "truncated-file":
                using (var small = GdalDataset.Create("GTiff", temp.File("mask.shard-3-of-4.tif"), 875, 10, 1, RasterDataType.Byte))
                {
                }

                break;
        }

        string[] before = Directory.GetFiles(temp.Path);
        var (exit, output, message) = await CliRunner.RunAsync("mosaic", "--shards", temp.File("mask.tif"), "--output", temp.File("joined.tif"));
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(expected, message);
        Assert.Contains("cannot be joined", message);
        Assert.Equal(before.Order(), Directory.GetFiles(temp.Path).Order());
    }

    [Fact]
    public async Task Mosaic_NoShards_Exit2SayingHowToMakeThem()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("mosaic", "--shards", temp.File("mask.tif"), "--output", temp.File("joined.tif"));
        Assert.Equal(2, code);
        Assert.Contains("predict --shard K/N", error);
    }

    [Fact]
    public async Task Predict_ShardAutoWithoutArrayIndex_Exit2NamingTheVariables()
    {
        using var temp = new TempDirectory();
        // Inside a real array job (CI on Slurm) the variables are set: hide them for this test (tests run one at a time).
        string?[] saved = [Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"), Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX")];
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", null);
        Environment.SetEnvironmentVariable("JOB_COMPLETION_INDEX", null);
        (int code, string error) result;
        try
        {
            var (c, _, e) = await Predict("--input", Labels, "--output", temp.File("mask.tif"), "--checkpoint", "x", "--bands", "1", "--shard", "auto", "--shards", "4");
            result = (c, e);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", saved[0]);
            Environment.SetEnvironmentVariable("JOB_COMPLETION_INDEX", saved[1]);
        }

        var (code, error) = result;
        Assert.Equal(2, code);
        Assert.Contains("SLURM_ARRAY_TASK_ID", error);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task Mosaic_OutputIsAShardFileOrALinkToIt_Exit2ShardsUnchanged()
    {
        using var temp = new TempDirectory();
        await PredictShards(temp, 2);
        string shard = temp.File("mask.shard-1-of-2.tif");
        var hashes = FileHashes.Of(shard, temp.File("mask.shard-0-of-2.tif"));
        string link = temp.File("joined.tif");
        File.CreateSymbolicLink(link, shard);

        foreach (string output in new[] { shard, link })
        {
            var (code, _, error) = await CliRunner.RunAsync("mosaic", "--shards", temp.File("mask.tif"), "--output", output, "--overwrite");
            Assert.Equal(2, code);
            Assert.Contains("never replaces an input", error);
        }

        hashes.AssertUnchanged();
    }

    private static async Task PredictShards(TempDirectory temp, int count)
    {
        for (int k = 0; k < count; k++)
        {
            await PredictShard(temp, k, count);
        }
    }

    private static async Task PredictShard(TempDirectory temp, int k, int count)
    {
        var (code, output, error) = await Predict("--input", Labels, "--output", temp.File("mask.tif"), "--checkpoint", "x", "--bands", "1",
            "--classes", "water,vegetation,other", "--tile-size", "128", "--shard", $"{k}/{count}");
        Assert.True(code == 0, error);
        Assert.Contains($"mask.shard-{k}-of-{count}.tif", output);
    }

    private static byte[] ReadMask(string path)
    {
        using var dataset = GdalDataset.Open(path);
        var values = new byte[dataset.Width * dataset.Height];
        dataset.Read<byte>(1, new PixelWindow(0, 0, dataset.Width, dataset.Height), values);
        return values;
    }

    internal static async Task<(int Code, string Output, string Error)> Predict(params string[] args)
    {
        var root = new RootCommand { PredictCommand.Create(new LabelsAsModel()) };
        ParseResult parse = root.Parse(["predict", .. args]);
        using var output = new StringWriter();
        using var error = new StringWriter();
        if (parse.Errors.Count > 0)
        {
            return (2, "", string.Join("\n", parse.Errors.Select(e => e.Message)));
        }

        int code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The model-free factory: its "model" answers the label carried by band 1; counts how often a model is loaded.</summary>
    internal sealed class LabelsAsModel : ITilePredictorFactory
    {
        public static int Loads { get; private set; }

        public ITilePredictor Create(string checkpointPath, string device)
        {
            Loads++;
            return new OneHotBandPredictor(3);
        }
    }
}
