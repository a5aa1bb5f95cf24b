using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

public sealed class CheckpointReaderTests
{
    private const string Zip = "fc_discriminator_19c_formula.pth";
    private const string Legacy = "fc_discriminator_19c_formula_legacy.pth";
    private const string DeepLabInit = "deeplab_init_partial_scale_prefix_legacy.pth";

    [Theory]
    [InlineData(Zip, CheckpointFormat.Zip)]
    [InlineData(Legacy, CheckpointFormat.Legacy)]
    public void Read_DiscriminatorFixture_EveryValueIsTheFormulaInFloat32(string name, CheckpointFormat format)
    {
        using var doc = FixtureJson.Open("fc_discriminator_forward_19c_64x96.json");
        var expectedKeys = FixtureJson.Keys(doc);
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture(name));

        Assert.Equal(format, checkpoint.Format);
        Assert.Null(checkpoint.StateDictKey);
        Assert.Equal(expectedKeys.Select(k => k.Name), checkpoint.StateDict.Keys);
        Assert.Equal(0.0080975594f, checkpoint.StateDict["conv1.weight"][0, 0, 0, 0].item<float>(), 9);
        long j = 0;
        foreach (var (key, shape) in expectedKeys)
        {
            Tensor t = checkpoint.StateDict[key];
            Assert.Equal(ScalarType.Float32, t.dtype);
            Assert.Equal(shape, t.shape);
            float[] actual = t.data<float>().ToArray();
            double[] expected = FormulaForTests.Values(key, shape, j++);
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(actual[i] == (float)expected[i], $"{key}[{i}]: expected {(float)expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    [Fact]
    public void Read_DeepLabInitLegacy_ScalePrefixedKeysShapesAndValues()
    {
        using var doc = FixtureJson.Open("deeplab_init_partial_scale_prefix_legacy.json");
        var expected = FixtureJson.Keys(doc);
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture(DeepLabInit));

        Assert.Equal(CheckpointFormat.Legacy, checkpoint.Format);
        Assert.Equal(63, checkpoint.StateDict.Count);
        Assert.Equal(expected.Select(e => e.Name), checkpoint.StateDict.Keys);
        foreach (var (key, shape) in expected)
        {
            Assert.Equal(shape, checkpoint.StateDict[key].shape);
        }

        // bn1.running_var is entry j = 4 of the full state dict (conv1.weight, bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var).
        Assert.Equal(1 + 0.25 * (1 + Math.Sin(0.37 * 4 + 0.1)), checkpoint.StateDict["Scale.bn1.running_var"][0].item<float>(), 6);
    }

    [Fact]
    public void Read_ZipWithOsSystem_RefusedNamingTheGlobal()
    {
        using var dir = new TempDirectory();
        string marker = dir.File("ran");
        string path = dir.File("evil.pth");
        CraftedFiles.WriteZip(path, CraftedFiles.OsSystemPickle(marker));

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("'os.system'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("weights_only", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Read_LegacyWithBuiltinsEval_RefusedNamingTheGlobal()
    {
        using var dir = new TempDirectory();
        string path = dir.File("evil_legacy.pth");
        File.WriteAllBytes(path, CraftedFiles.Legacy(CraftedFiles.BuiltinsEvalPickle()));

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("'builtins.eval'", e.Message);
    }

    [Theory]
    [InlineData(Legacy, 5000)]
    [InlineData(Legacy, 200)]
    [InlineData(Legacy, 40)]
    [InlineData(Zip, 5000)]
    public void Read_TruncatedFile_ErrorNamesFileAndSaysTruncated(string name, int keepBytesFromEnd)
    {
        using var dir = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(TestPaths.Fixture(name));
        int keep = keepBytesFromEnd == 40 ? 40 : bytes.Length - keepBytesFromEnd;
        string path = dir.File("truncated.pth");
        File.WriteAllBytes(path, bytes[..keep]);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Matches("truncated|corrupt", e.Message);
    }

    [Fact]
    public void Read_TextFile_NotACheckpoint()
    {
        using var dir = new TempDirectory();
        string path = dir.File("notes.pth");
        File.WriteAllText(path, "these are not weights\n");

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("not a PyTorch checkpoint", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Read_MissingFile_SaysSo()
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read("/nonexistent/model.pth"));
        Assert.Contains("/nonexistent/model.pth", e.Message);
        Assert.Contains("no such checkpoint file", e.Message);
    }

    [Fact]
    public void Read_ZipWithoutDataPkl_NotACheckpoint()
    {
        using var dir = new TempDirectory();
        string path = dir.File("other.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("readme.txt");
        }

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("not a PyTorch checkpoint", e.Message);
    }

    [Fact]
    public void Read_ValueContainingItself_RefusedInsteadOfRecursingForever()
    {
        using var dir = new TempDirectory();
        string path = dir.File("cycle.pth");
        CraftedFiles.WriteZip(path, CraftedFiles.SelfContainingListPickle());

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("nest deeper than", e.Message);
    }

    [Fact]
    public void Read_StorageClaimingExabytes_RefusedBeforeAllocating()
    {
        using var dir = new TempDirectory();
        string path = dir.File("huge.pth");
        CraftedFiles.WriteZip(path, CraftedFiles.HugeStoragePickle());

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));
        Assert.Contains("unexpected persistent id", e.Message);
    }
}
