using System.Globalization;
using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using AdaptSeg.Geo.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Training;

public sealed class TrainingCheckpointTests
{
    private const int Bands = 3, Classes = 4;

    [Fact]
    public void Save_NetworksArePyTorchZipFilesHoldingExactlyTheirStateDicts()
    {
        using var temp = new TempDirectory();
        using var parts = new Parts();
        string folder = parts.Save(temp.Path, 4);

        Assert.Equal(["config.json", "discriminator-0.pth", "discriminator-1.pth", "network.pth", "optimizer-discriminator-0.dat",
            "optimizer-discriminator-1.dat", "optimizer-network.dat", "state.json", "torch-rng.bin"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (file, module) in parts.Files)
        {
            using Checkpoint checkpoint = CheckpointReader.Read(Path.Combine(folder, file));
            Assert.Equal(TrainingCheckpoint.NetworkFormat, checkpoint.Entries["format"]);
            var ours = module.state_dict();
            Assert.Equal(ours.Keys, checkpoint.StateDict.Keys);
            foreach (var (key, tensor) in ours)
            {
                Assert.True(Exact(tensor, checkpoint.StateDict[key]), $"{file}: {key} differs");
                Assert.Equal(tensor.dtype, checkpoint.StateDict[key].dtype);
            }
        }
    }

    [Fact]
    public void Save_CheckpointOlderThanTheOthersInTheFolder_LatestIsNeverPruned()
    {
        using var temp = new TempDirectory();
        using var parts = new Parts();
        foreach (int iteration in new[] { 2000, 4000, 6000 })
        {
            parts.Save(temp.Path, iteration); // a longer earlier run in the same folder
        }

        string newest = parts.Save(temp.Path, 500, keep: 3);

        Assert.Equal(newest, TrainingCheckpoint.FindLatest(temp.Path));
        Assert.Equal(["iter-0000500", "iter-0004000", "iter-0006000"],
            Directory.GetDirectories(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        parts.Save(temp.Path, 501, keep: 1);
        Assert.Equal(["iter-0000501"], Directory.GetDirectories(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_CheckpointWithTorchSharpNetworkFiles_StillRestoresTheNetworks()
    {
        using var temp = new TempDirectory();
        using var parts = new Parts();
        string folder = parts.Save(temp.Path, 2);
        File.Delete(Path.Combine(folder, "network.pth"));
        parts.Network.save(Path.Combine(folder, "network.dat"));

        using var fresh = new Parts(formula: false);
        TrainingCheckpoint.Load(folder, fresh.Network, [fresh.D1, fresh.D2], fresh.Trainer);
        foreach (var (key, tensor) in parts.Network.state_dict())
        {
            Assert.True(Exact(tensor, fresh.Network.state_dict()[key]), key);
        }
    }

    [PythonFact("torch", "python3-torch")]
    public void Save_TorchLoadWeightsOnly_ReadsEveryNetworkWithOurKeysShapesAndValues()
    {
        using var temp = new TempDirectory();
        using var parts = new Parts();
        string folder = parts.Save(temp.Path, 2);
        const string script = """
            import json, sys, torch
            out = {}
            for path in sys.argv[1:]:
                d = torch.load(path, map_location="cpu", weights_only=True)
                out[path] = {"format": d["format"], "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": [float(x) for x in v.flatten().tolist()]} for k, v in d["state_dict"].items()}}
            print(json.dumps(out))
            """;
        string[] paths = [.. parts.Files.Select(f => Path.Combine(folder, f.File))];
        var (exit, output) = ExternalPython.RunScript(script, paths, TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        foreach (var (file, module) in parts.Files)
        {
            JsonElement loaded = json.RootElement.GetProperty(Path.Combine(folder, file));
            Assert.Equal(TrainingCheckpoint.NetworkFormat, loaded.GetProperty("format").GetString());
            var tensors = loaded.GetProperty("tensors");
            var ours = module.state_dict();
            Assert.Equal(ours.Keys, tensors.EnumerateObject().Select(p => p.Name));
            foreach (var (key, tensor) in ours)
            {
                JsonElement t = tensors.GetProperty(key);
                Assert.Equal(tensor.shape, t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
                Assert.Equal(tensor.dtype == ScalarType.Int64 ? "torch.int64" : "torch.float64", t.GetProperty("dtype").GetString());
                double[] expected = tensor.to(ScalarType.Float64).contiguous().data<double>().ToArray();
                double[] actual = [.. t.GetProperty("values").EnumerateArray().Select(e => e.GetDouble())];
                Assert.Equal(expected, actual);
            }
        }
    }

    [Theory]
    [InlineData(BackboneKind.DeepLabV2ResNet, 8)]
    [InlineData(BackboneKind.TorchvisionResNet, 16)]
    public void ModelPackage_SaveThenLoad_GivesTheSameDescriptionWeightsAndOutputs(BackboneKind backbone, int outputStride)
    {
        using var temp = new TempDirectory();
        var description = new ModelDescription
        {
            Classes = ["water", "field", "town"],
            InputBands = 4,
            Blocks = [1, 1, 1, 1],
            Width = 8,
            Backbone = backbone,
            OutputStride = outputStride,
            TrainableBatchNorm = backbone == BackboneKind.TorchvisionResNet,
            BandNames = ["b", "g", "r", "nir"],
            TrainingMode = "adaptsegnet",
            Iterations = 7,
        };
        using DeepLabMulti network = description.CreateNetwork();
        FormulaWeights.Apply(network);
        string path = temp.File("model.pth");

        ModelPackage.Save(path, network, description);
        var (loaded, back) = ModelPackage.Load(path, CPU);

        using (loaded)
        {
            Assert.Equal(JsonSerializer.Serialize(description), JsonSerializer.Serialize(back));
            var original = network.state_dict();
            var restored = loaded.state_dict();
            Assert.Equal(original.Keys, restored.Keys);
            foreach (var (key, tensor) in original)
            {
                Assert.True(Exact(tensor, restored[key]), key);
            }

            network.eval();
            loaded.eval();
            using var noGrad = no_grad();
            using Tensor input = linspace(-1, 1, 4 * 33 * 41).reshape(1, 4, 33, 41);
            var (auxA, mainA) = network.call(input);
            var (auxB, mainB) = loaded.call(input);
            Assert.True(Exact(mainA, mainB) && Exact(auxA, auxB), "the reloaded model computes something else");
        }

        Assert.Equal(["model.pth"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    /// <summary>Same dtype, shape and bits.</summary>
    private static bool Exact(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.ToArray().AsSpan().SequenceEqual(b.contiguous().bytes.ToArray());

    /// <summary>A tiny network, two discriminators and their trainer, all in float64 with formula weights.</summary>
    private sealed class Parts : IDisposable
    {
        public Parts(bool formula = true)
        {
            foreach (nn.Module m in new nn.Module[] { Network, D1, D2 })
            {
                m.to(ScalarType.Float64);
                if (formula)
                {
                    FormulaWeights.Apply(m);
                }
            }

            Trainer = new AdversarialTrainer(Network, [D1, D2], new TrainerSettings { LearningRate = 0.01, ScheduleIterations = 10 });
        }

        public TinyMultiLevelNetwork Network { get; } = new(Bands, Classes);

        public TinyDiscriminator D1 { get; } = new(Classes);

        public TinyDiscriminator D2 { get; } = new(Classes);

        public AdversarialTrainer Trainer { get; }

        public IEnumerable<(string File, nn.Module Module)> Files =>
            [(TrainingCheckpoint.NetworkFile, Network), (TrainingCheckpoint.DiscriminatorFile(0), D1), (TrainingCheckpoint.DiscriminatorFile(1), D2)];

        public string Save(string folder, int iteration, int keep = 3) =>
            TrainingCheckpoint.Save(folder, iteration, Network, [D1, D2], Trainer, "{}", keep);

        public void Dispose()
        {
            Trainer.Dispose();
            Network.Dispose();
            D1.Dispose();
            D2.Dispose();
        }
    }
}
