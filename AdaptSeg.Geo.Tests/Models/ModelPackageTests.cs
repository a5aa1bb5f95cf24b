using System.Globalization;
using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>
/// model.pth of the torchvision backbone: older files, and what PyTorch reads (the save-and-load round
/// trip of both backbones is <c>TrainingCheckpointTests.ModelPackage_SaveThenLoad_GivesTheSameDescriptionWeightsAndOutputs</c>).
/// </summary>
public sealed class ModelPackageTests
{
    private static ModelDescription TorchvisionDescription(int width) => new()
    {
        Classes = ["background", "building", "road"],
        InputBands = 3,
        Blocks = [1, 1, 1, 1],
        Width = width,
        Backbone = BackboneKind.TorchvisionResNet,
        OutputStride = 16,
        TrainableBatchNorm = true,
        BandNames = ["red", "green", "blue"],
    };

    [Fact]
    public void Load_DescriptionWrittenBeforeBackbonesWereRecorded_RebuildsTheDeepLabV2NetworkAtOutputStride8()
    {
        using var temp = new TempDirectory();
        using var network = new DeepLabMulti(2, 3, [1, 1, 1, 1], new DeepLabOptions { Width = 8 });
        string path = temp.File("old.pth");
        // The description of a model file from before this change: no backbone, no outputStride.
        const string old = """{"classes":["a","b"],"inputBands":3,"blocks":[1,1,1,1],"width":8,"asppAllBranches":false,"frozenBatchNormStatistics":false,"iterations":3}""";
        CheckpointWriter.Save(path, new Dictionary<string, object?>
        {
            ["format"] = ModelPackage.FormatName,
            ["description"] = old,
            ["state_dict"] = network.state_dict().ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
        });

        var (loaded, description) = ModelPackage.Load(path, CPU);

        using (loaded)
        {
            Assert.Equal(BackboneKind.DeepLabV2ResNet, description.Backbone);
            Assert.Equal(8, description.OutputStride);
            Assert.Equal(BackboneKind.DeepLabV2ResNet, loaded.Options.Backbone);
        }
    }

    /// <summary>
    /// The model.pth of a torchvision-backbone network in PyTorch: <c>torch.load(weights_only=True)</c>
    /// reads it, its description names the backbone, and its backbone weights load into torchvision's
    /// own ResNet (only <c>fc</c> missing, only the heads left over), which then computes the same
    /// <c>layer4</c> features as this network.
    /// </summary>
    [PythonFact("torchvision", "python3-torchvision")]
    public void Save_TorchvisionBackbone_TorchLoadsWeightsOnlyAndTorchvisionResNetComputesTheSameFeatures()
    {
        using var temp = new TempDirectory();
        ModelDescription description = TorchvisionDescription(width: 64);
        using DeepLabMulti network = description.CreateNetwork();
        FormulaWeights.Apply(network);
        string path = temp.File("model.pth");
        ModelPackage.Save(path, network, description);
        const string script = """
            import json, sys, torch, torchvision
            from torchvision.models.resnet import ResNet, Bottleneck
            d = torch.load(sys.argv[1], map_location="cpu", weights_only=True)
            desc = json.loads(d["description"])
            dilate = [False, True, True] if desc["outputStride"] == 8 else [False, False, True]
            net = ResNet(Bottleneck, desc["blocks"], replace_stride_with_dilation=dilate)
            result = net.load_state_dict(d["state_dict"], strict=False)
            net = net.double().eval()
            n = 3 * 45 * 50
            x = (2 * torch.sin(torch.arange(n, dtype=torch.float64) * 0.05 + 0.3)).reshape(1, 3, 45, 50)
            with torch.no_grad():
                x = net.maxpool(net.relu(net.bn1(net.conv1(x))))
                x = net.layer4(net.layer3(net.layer2(net.layer1(x))))
            print(json.dumps({"format": d["format"], "backbone": desc["backbone"], "missing": result.missing_keys,
                              "unexpected_prefixes": sorted({k.split(".")[0] for k in result.unexpected_keys}),
                              "shape": list(x.shape), "sum": x.sum().item(), "sum_sq": (x * x).sum().item()}))
            """;

        var (exit, output) = ExternalPython.RunScript(script, [path], TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        JsonElement r = json.RootElement;
        Assert.Equal(ModelPackage.FormatName, r.GetProperty("format").GetString());
        Assert.Equal("torchvision-resnet", r.GetProperty("backbone").GetString());
        Assert.Equal(["fc.weight", "fc.bias"], r.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["layer5", "layer6"], r.GetProperty("unexpected_prefixes").EnumerateArray().Select(e => e.GetString()));

        // The same float32 weights, computed in float64 on both sides.
        network.to(ScalarType.Float64);
        network.eval();
        using var noGrad = no_grad();
        using DeepLabFeatures features = network.ForwardFeatures(FormulaWeights.Input([1, 3, 45, 50], 0.3));
        Assert.Equal(r.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), features.Layer4.shape);
        foreach (var (name, expected, actual) in new[]
        {
            ("sum", r.GetProperty("sum").GetDouble(), features.Layer4.sum().item<double>()),
            ("sum of squares", r.GetProperty("sum_sq").GetDouble(), features.Layer4.square().sum().item<double>()),
        })
        {
            double error = Math.Abs(actual - expected) / Math.Abs(expected);
            Assert.True(error <= 1e-9, string.Create(CultureInfo.InvariantCulture, $"layer4 {name}: {actual:R} vs torchvision {expected:R} ({error:E2})"));
        }
    }
}
