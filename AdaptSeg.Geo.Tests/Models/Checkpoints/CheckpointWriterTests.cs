using System.IO.Compression;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

public sealed class CheckpointWriterTests
{
    [Fact]
    public void Save_ThenRead_RoundTripsTensorsNestedDictsAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.pth");
        using var scope = NewDisposeScope();
        var d = new FcDiscriminator(3, ndf: 4);
        Tensor halfTensor = torch.arange(6, dtype: ScalarType.Float16).reshape(2, 3);
        Tensor transposed = torch.arange(6, dtype: ScalarType.Float64).reshape(2, 3).t();
        var content = new Dictionary<string, object?>
        {
            ["state_dict"] = d.state_dict(),
            ["discriminators"] = new Dictionary<string, object?> { ["d1"] = d.state_dict() },
            ["optimizer"] = new Dictionary<string, object?>
            {
                ["state"] = new Dictionary<int, object?> { [0] = new Dictionary<string, object?> { ["momentum_buffer"] = halfTensor } },
                ["param_groups"] = new List<object?> { new Dictionary<string, object?> { ["lr"] = 2.5e-4, ["betas"] = new[] { 0.9, 0.99 } } },
            },
            ["extra"] = transposed,
            ["step"] = 120000L,
            ["ok"] = true,
            ["none"] = null,
            ["class_names"] = new[] { "water", "vegetation", "other" },
            ["config_json"] = "{\"classes\": 3, \"name\": \"é\"}",
        };

        CheckpointWriter.Save(path, content);

        using Checkpoint back = CheckpointReader.Read(path);
        Assert.Equal(CheckpointFormat.Zip, back.Format);
        Assert.Equal("state_dict", back.StateDictKey);
        Assert.Equal(d.state_dict().Keys, back.StateDict.Keys);
        foreach (var (key, tensor) in d.state_dict())
        {
            Assert.True(Same(tensor, back.StateDict[key]), key);
        }

        Assert.Equal(10, back.TryGetStateDict("state_dict")!.Count);
        var d1 = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)back.Entries["discriminators"]!)["d1"]!;
        Assert.True(Same(d.state_dict()["classifier.bias"], (Tensor)d1["classifier.bias"]!));
        var optimizer = (IReadOnlyDictionary<string, object?>)back.Entries["optimizer"]!;
        var state0 = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)optimizer["state"]!)["0"]!;
        Tensor half = (Tensor)state0["momentum_buffer"]!;
        Assert.Equal(ScalarType.Float16, half.dtype);
        Assert.True(Same(half, halfTensor));
        var group = (IReadOnlyDictionary<string, object?>)((IReadOnlyList<object?>)optimizer["param_groups"]!)[0]!;
        Assert.Equal(2.5e-4, group["lr"]);
        Assert.Equal(new object?[] { 0.9, 0.99 }, (IReadOnlyList<object?>)group["betas"]!);
        Assert.True(Same(transposed, (Tensor)back.Entries["extra"]!));
        Assert.Equal(120000L, back.Entries["step"]);
        Assert.Equal(true, back.Entries["ok"]);
        Assert.Null(back.Entries["none"]);
        Assert.Equal(new object?[] { "water", "vegetation", "other" }, (IReadOnlyList<object?>)back.Entries["class_names"]!);
        Assert.Equal("{\"classes\": 3, \"name\": \"é\"}", back.Entries["config_json"]);
    }

    [Fact]
    public void Save_Archive_HasTorchLayoutWithStoredMembers()
    {
        using var dir = new TempDirectory();
        string path = dir.File("run_01.pth");
        using var t = torch.ones(2, 2);
        CheckpointWriter.Save(path, new Dictionary<string, object?> { ["w"] = t });

        using ZipArchive zip = ZipFile.OpenRead(path);
        Assert.Equal(["run_01/data.pkl", "run_01/byteorder", "run_01/data/0", "run_01/version"], zip.Entries.Select(e => e.FullName));
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        Assert.Equal(16, zip.GetEntry("run_01/data/0")!.Length);
        using var version = new StreamReader(zip.GetEntry("run_01/version")!.Open());
        Assert.Equal("3\n", version.ReadToEnd());
        using var pkl = new MemoryStream();
        zip.GetEntry("run_01/data.pkl")!.Open().CopyTo(pkl);
        string text = System.Text.Encoding.Latin1.GetString(pkl.ToArray());
        Assert.StartsWith("\u0080\u0002", text);
        Assert.Contains("ctorch._utils\n_rebuild_tensor_v2\n", text);
        Assert.Contains("ctorch\nFloatStorage\n", text);
        Assert.Contains("ccollections\nOrderedDict\n", text);
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesItAndLeavesNoTemporary()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ckpt.pth");
        File.WriteAllText(path, "old");
        using var t = torch.zeros(3);
        CheckpointWriter.Save(path, new Dictionary<string, object?> { ["state_dict"] = new Dictionary<string, object?> { ["w"] = t } });

        Assert.Equal(["ckpt.pth"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        using Checkpoint back = CheckpointReader.Read(path);
        Assert.Equal(3, back.StateDict["w"].numel());
    }

    [Fact]
    public void Save_UnsupportedValue_ErrorNamesItAndKeepsOldFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ckpt.pth");
        File.WriteAllText(path, "old");

        var e = Assert.Throws<CheckpointException>(() =>
            CheckpointWriter.Save(path, new Dictionary<string, object?> { ["meta"] = new Dictionary<string, object?> { ["when"] = DateTime.UnixEpoch } }));
        Assert.Contains("'meta.when'", e.Message);
        Assert.Contains("DateTime", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Read_CheckpointWithoutStateDict_StateDictErrorListsTopLevelKeys()
    {
        using var dir = new TempDirectory();
        string path = dir.File("meta_only.pth");
        CheckpointWriter.Save(path, new Dictionary<string, object?> { ["epoch"] = 3, ["note"] = "no weights" });

        using Checkpoint back = CheckpointReader.Read(path);
        Assert.False(back.HasStateDict);
        var e = Assert.Throws<CheckpointException>(() => back.StateDict);
        Assert.Contains("[epoch, note]", e.Message);
        Assert.Contains(path, e.Message);
    }

    private static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
