using System.Buffers.Binary;
using System.Text;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>
/// <c>.safetensors</c> through <see cref="CheckpointReader"/>: the fixture written by
/// Fixtures/make_init_format_fixtures.py, and files crafted here to break each rule of the format.
/// </summary>
public sealed class SafetensorsReaderTests
{
    private const string Fixture = "torchvision_resnet50_partial_formula.safetensors";

    /// <summary>A safetensors file: the header JSON as given, then <paramref name="dataBytes"/> bytes (1, 2, 3, ...).</summary>
    private static string Craft(TempDirectory dir, string header, int dataBytes, ulong? declaredLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        for (int i = 0; i < dataBytes; i++)
        {
            bytes[8 + json.Length + i] = (byte)(i + 1);
        }

        string path = dir.File("crafted.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Read_Fixture_FormatKeysDtypesAndMetadata()
    {
        using Checkpoint checkpoint = CheckpointReader.Read(TestPaths.Fixture(Fixture));

        Assert.Equal(CheckpointFormat.Safetensors, checkpoint.Format);
        Assert.Equal(CheckpointFormat.Safetensors, CheckpointReader.DetectFormat(TestPaths.Fixture(Fixture)));
        Assert.Equal(67, checkpoint.StateDict.Count);
        Assert.Equal("model.conv1.weight", checkpoint.StateDict.Keys.First());
        Assert.Equal("model.fc.bias", checkpoint.StateDict.Keys.Last());
        Assert.Equal(ScalarType.Float64, checkpoint.StateDict["model.conv1.weight"].dtype);
        Assert.Equal(ScalarType.Float16, checkpoint.StateDict["model.layer1.0.conv2.weight"].dtype);
        Assert.Equal(ScalarType.BFloat16, checkpoint.StateDict["model.layer1.1.bn1.weight"].dtype);
        Assert.Equal(ScalarType.Int64, checkpoint.StateDict["model.bn1.num_batches_tracked"].dtype);
        Assert.Equal([64L, 3, 7, 7], checkpoint.StateDict["model.conv1.weight"].shape);
        Assert.Equal("pt", checkpoint.FileMetadata["format"]);
        // conv1.weight[0,0,0,0] = sqrt(2/147) sin(0.1), stored as float32 then widened to F64.
        Assert.Equal((double)(float)(Math.Sqrt(2.0 / 147) * Math.Sin(0.1)), checkpoint.StateDict["model.conv1.weight"][0, 0, 0, 0].item<double>());
    }

    [Fact]
    public void Read_AllDtypes_ValuesAsWrittenLittleEndian()
    {
        using var dir = new TempDirectory();
        const string header = """{"a":{"dtype":"I16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2,1],"data_offsets":[4,6]},"c":{"dtype":"BOOL","shape":[],"data_offsets":[6,7]},"e":{"dtype":"I8","shape":[0],"data_offsets":[7,7]}}""";
        string path = Craft(dir, header, 7);

        using Checkpoint checkpoint = CheckpointReader.Read(path);

        Assert.Equal([0x0201, 0x0403], checkpoint.StateDict["a"].data<short>().ToArray());
        Assert.Equal([5, 6], checkpoint.StateDict["b"].data<byte>().ToArray());
        Assert.True(checkpoint.StateDict["c"].item<bool>());
        Assert.Equal(0, checkpoint.StateDict["e"].numel());
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "overlaps")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "truncated")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "belong to no tensor")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 9, "belong to no tensor")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "do not hold exactly its bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", 4, "do not hold exactly its bytes")]
    [InlineData("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", 1, "dtype 'F8_E4M3'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "not a whole number >= 0")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}""", 4, "more elements than 64 bits")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "names 'a' twice")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", 4, "is not {")]
    [InlineData("""{"__metadata__":{"n":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "not a string")]
    [InlineData("""{"a": [1, 2""", 0, "not valid JSON")]
    public void Read_BrokenHeader_RefusedNamingTheProblem(string header, int dataBytes, string expected)
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, header, dataBytes);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_HeaderLengthBeyondTheFile_NotTakenForSafetensorsNorAllocated()
    {
        using var dir = new TempDirectory();
        // 2^62 declared: the length alone must be refused, before any allocation.
        string path = Craft(dir, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, declaredLength: 1UL << 62);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));

        Assert.Contains("not a PyTorch checkpoint", e.Message);
        Assert.Contains("safetensors", e.Message);
    }

    [Fact]
    public void Read_HeaderOverTheFormatsLimit_RefusedBeforeReadingIt()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, "{", 0, declaredLength: 100_000_001);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(100_000_100); // sparse: the length fits the file
        }

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path));

        Assert.Contains("refused", e.Message);
        Assert.Contains("100000000", e.Message);
    }

    [Fact]
    public void Read_TensorsBeyondTheElementBudget_RefusedBeforeAllocating()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, """{"a":{"dtype":"U8","shape":[64],"data_offsets":[0,64]}}""", 64);

        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.Read(path, CheckpointLimits.Default with { Elements = 10 }));

        Assert.Contains("elements", e.Message);
        Assert.Contains(CheckpointLimits.EnvironmentVariable, e.Message);
    }
}
