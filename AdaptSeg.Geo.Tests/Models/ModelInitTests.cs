using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Models;

/// <summary>model.init from the files users hold: formats, prefixes, what is loaded, skipped and left, and bands by name.</summary>
public sealed class ModelInitTests(ITestOutputHelper output)
{
    private const string Partial = "torchvision_resnet50_partial_formula.pth";
    private const string PartialSafetensors = "torchvision_resnet50_partial_formula.safetensors";
    private const string PartialLegacy = "torchvision_resnet50_partial_formula_legacy.pth";
    private const string TorchGeo13 = "torchgeo_style_conv1_13b.pth";

    /// <summary>Sentinel-2's 13 bands in torchgeo's order (B01..B12 with B8A), as STAC common names.</summary>
    private static readonly string[] Sentinel2 =
        ["coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "nir09", "cirrus", "swir16", "swir22"];

    private static readonly string[] Rgb = ["red", "green", "blue"];

    private static DeepLabMulti TorchvisionNetwork(int bands, IReadOnlyList<int>? blocks = null, int outputStride = 16) =>
        new(7, bands, blocks ?? DeepLabMulti.ResNet50, new DeepLabOptions { Backbone = BackboneKind.TorchvisionResNet, OutputStride = outputStride });

    [Theory]
    [InlineData(Partial)]
    [InlineData(PartialLegacy)]
    [InlineData(PartialSafetensors)]
    public void Load_TorchvisionPartialFormula_StemAndLayer1LoadFcBiasSkippedRestNotInitialised(string file)
    {
        using var network = TorchvisionNetwork(3);
        var before = network.state_dict()["layer2.0.conv1.weight"].clone();

        ModelInitReport report = ModelInit.Load(network, TestPaths.Fixture(file));
        output.WriteLine(report.Describe());

        var keys = network.state_dict().Keys.ToList();
        var expected = keys.Where(k => k.StartsWith("conv1.", StringComparison.Ordinal) || k.StartsWith("bn1.", StringComparison.Ordinal) || k.StartsWith("layer1.", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected, report.Loaded);
        Assert.Equal(66, report.Loaded.Count);
        SkippedKey skipped = Assert.Single(report.Skipped);
        Assert.Equal("fc.bias", skipped.Key);
        Assert.Contains("ImageNet classifier", skipped.Reason);
        Assert.Equal(keys.Except(expected), report.NotInitialised);
        Assert.Contains("layer2.0.conv1.weight", report.NotInitialised);
        Assert.Contains("layer6.conv2d_list.0.weight", report.NotInitialised);
        Assert.True(network.state_dict()["layer2.0.conv1.weight"].equal(before).all().item<bool>(), "a key the file lacks must keep its value");
        Assert.Contains("loaded 66, skipped 1, not initialised", report.Describe());
        Assert.Contains("skipped fc.bias: the ImageNet classifier", report.Describe());
        Assert.Contains("torchvision-style", report.What);
        Assert.Equal(file switch { PartialLegacy => "module.", PartialSafetensors => "model.", _ => "" }, report.Prefix);

        // The values are the formula's, as stored: float32 (.pth), and F64/F32/F16/BF16 by key in the .safetensors file.
        var state = network.state_dict();
        int j = 0;
        using var outer = NewDisposeScope();
        foreach (string key in expected)
        {
            long[] shape = state[key].shape;
            ScalarType stored = file != PartialSafetensors ? ScalarType.Float32
                : key == "conv1.weight" ? ScalarType.Float64
                : key.StartsWith("layer1.0.", StringComparison.Ordinal) ? ScalarType.Float16
                : key.StartsWith("layer1.1.", StringComparison.Ordinal) ? ScalarType.BFloat16
                : ScalarType.Float32;
            using var scope = NewDisposeScope();
            Tensor formula = key.EndsWith("num_batches_tracked", StringComparison.Ordinal)
                ? zeros(shape, ScalarType.Int64)
                : FormulaWeights.Values(key, shape, j).to(ScalarType.Float32).to(stored).to(ScalarType.Float32).reshape(shape);
            Assert.True(state[key].eq(formula).all().item<bool>(), $"{key} is not the formula's {stored} value");
            j++;
        }
    }

    /// <summary>The 4-band fixture: the 3-band formula weights adapted to red, green, blue, nir (by name and by position alike), then the forward.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadPretrained_RgbWeightsIntoFourBands_MatchesTheFourBandTorchvisionFixture(bool byName)
    {
        using var scope = NewDisposeScope();
        using var rgb = TorchvisionBackboneReferenceTests.FormulaNetwork(3, DeepLabMulti.ResNet50, TorchvisionBackboneReferenceTests.Torchvision(16));
        var source = rgb.state_dict().Where(kv => !kv.Key.StartsWith("layer5.", StringComparison.Ordinal) && !kv.Key.StartsWith("layer6.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        using var network = TorchvisionBackboneReferenceTests.FormulaNetwork(4, DeepLabMulti.ResNet50, TorchvisionBackboneReferenceTests.Torchvision(16));
        var options = byName ? new ModelInitOptions { InitBands = Rgb, InputBands = ["red", "green", "blue", "nir"] } : null;

        ModelInitReport report = ModelInit.LoadPretrained(network, source, options, "3-band formula weights");

        Assert.Equal([0, 1, 2, (int?)null], report.BandMapping!.Select(b => b.Channel));
        Assert.All(report.BandMapping!, b => Assert.Equal(byName, b.ByName));
        Assert.Contains("x 3/4 = 0.75", report.Describe());
        double worst = TorchvisionBackboneReferenceTests.CheckStages(network, TorchvisionBackboneReferenceTests.Fixture4Bands);
        output.WriteLine($"{TorchvisionBackboneReferenceTests.Fixture4Bands} ({(byName ? "by name" : "by position")}): worst relative error {worst:E2}");
    }

    /// <summary>torchgeo-style 13-band conv1, channel k = 0.01 (k + 1) x one filter: each band's filter says which channel it took.</summary>
    [Fact]
    public void Load_ThirteenSentinel2Channels_EachBandTakesTheChannelOfItsNameAndUnknownBandsTheMean()
    {
        using var network = TorchvisionNetwork(4, [1, 1, 1, 1]);
        network.to(ScalarType.Float64);
        string[] ours = ["red", "nir", "swir16", "pan"];

        ModelInitReport report = ModelInit.Load(network, TestPaths.Fixture(TorchGeo13), new ModelInitOptions { InitBands = Sentinel2, InputBands = ours });
        output.WriteLine(report.Describe());

        Assert.Equal([3, 7, 11, (int?)null], report.BandMapping!.Select(b => b.Channel));
        using Checkpoint file = CheckpointReader.Read(TestPaths.Fixture(TorchGeo13));
        Tensor stored = file.StateDict["conv1.weight"].to(ScalarType.Float64);
        Tensor filter = stored.narrow(1, 0, 1).div(0.01); // the known filter, from channel 0 = 0.01 x it
        Tensor conv1 = network.state_dict()["conv1.weight"];
        double[] multiples = [0.04, 0.08, 0.12, 0.07]; // channels 3, 7, 11 (k + 1 = 4, 8, 12); the mean of 0.01..0.13 for pan
        for (int b = 0; b < 4; b++)
        {
            Tensor band = conv1.narrow(1, b, 1);
            Assert.True(band.allclose(filter.mul(multiples[b]), rtol: 1e-6, atol: 0), $"band {ours[b]} is not {multiples[b]} x the filter");
        }

        Assert.True(conv1.narrow(1, 0, 1).equal(stored.narrow(1, 3, 1)).all().item<bool>(), "red takes channel 4 (B04) exactly");
        Assert.Equal(["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"], report.Loaded);
        Assert.Contains("band 4 pan", report.Describe());
        Assert.Contains("mean of the 13 channels (the file has no 'pan')", report.Describe());
        Assert.DoesNotContain("filters x", report.Describe()); // 4 bands from 13: nothing is scaled
    }

    /// <summary>The demo's red, NIR, green against an RGB initialisation: red and green by name, NIR the mean rule.</summary>
    [Fact]
    public void Load_DemoRedNirGreenFromRgbWeights_RedToRGreenToGNirToTheMean()
    {
        using var network = TorchvisionNetwork(3, [1, 1, 1, 1]);
        network.to(ScalarType.Float64);

        ModelInitReport report = ModelInit.Load(network, TestPaths.Fixture(Partial), new ModelInitOptions { InitBands = Rgb, InputBands = ["red", "nir", "green"] });
        string text = report.Describe();
        output.WriteLine(text);

        using Checkpoint file = CheckpointReader.Read(TestPaths.Fixture(Partial));
        Tensor stored = file.StateDict["conv1.weight"].to(ScalarType.Float64);
        Tensor conv1 = network.state_dict()["conv1.weight"];
        Assert.True(conv1.narrow(1, 0, 1).equal(stored.narrow(1, 0, 1)).all().item<bool>(), "red takes R");
        Assert.True(conv1.narrow(1, 2, 1).equal(stored.narrow(1, 1, 1)).all().item<bool>(), "green takes G");
        Assert.True(conv1.narrow(1, 1, 1).equal(stored.mean([1], keepdim: true)).all().item<bool>(), "nir takes the mean (computed in float64)");
        Assert.Contains("band 1 red   <- channel 1 red", text);
        Assert.Contains("band 2 nir   <- mean of the 3 channels (the file has no 'nir')", text);
        Assert.Contains("band 3 green <- channel 2 green", text);
        // [1,1,1,1] blocks: the file's layer1.1 and layer1.2 are not this network's.
        Assert.Contains(report.Skipped, s => s.Key == "layer1.1.conv1.weight" && s.Reason == "not a key of this network");
    }

    [Fact]
    public void Load_NamesOnOneSideOnly_ByPositionWithANoteSayingWhatToName()
    {
        using var network = TorchvisionNetwork(3, [1, 1, 1, 1]);

        ModelInitReport noInitNames = ModelInit.Load(network, TestPaths.Fixture(Partial), new ModelInitOptions { InputBands = ["red", "nir", "green"] });
        ModelInitReport noDataNames = ModelInit.Load(network, TestPaths.Fixture(Partial), new ModelInitOptions { InitBands = Rgb });

        Assert.Equal([0, 1, 2], noInitNames.BandMapping!.Select(b => b.Channel ?? -1));
        Assert.Contains(noInitNames.Notes, n => n.Contains("model.init.bands is not given", StringComparison.Ordinal));
        Assert.Contains(noDataNames.Notes, n => n.Contains("give bandNames in the prepare config", StringComparison.Ordinal));
        Assert.Contains("by position", noDataNames.Describe());
    }

    [Fact]
    public void Load_BandNamesOfTheWrongCount_RefusedAtModelInitBands()
    {
        using var network = TorchvisionNetwork(3, [1, 1, 1, 1]);

        var e = Assert.Throws<ModelInitException>(() => ModelInit.Load(network, TestPaths.Fixture(TorchGeo13), new ModelInitOptions { InitBands = Rgb }));

        Assert.Equal("$.model.init.bands", e.Setting);
        Assert.Contains("3 band name(s) for the 13 input channel(s)", e.Message);
    }

    /// <summary>The LoveDA code's DeepLab-v2 state dict: backbone under <c>encoder.resnet.</c>, heads elsewhere, and a DataParallel <c>module.</c> on top.</summary>
    [Fact]
    public void LoadPretrained_EncoderResnetPrefixUnderModule_StrippedAndKeysOutsideItSkipped()
    {
        using var scope = NewDisposeScope();
        using var donor = TorchvisionNetwork(3, [1, 1, 1, 1]);
        var source = donor.state_dict()
            .Select(kv => new KeyValuePair<string, Tensor>(
                kv.Key.StartsWith("layer5.", StringComparison.Ordinal) || kv.Key.StartsWith("layer6.", StringComparison.Ordinal) ? "module." + kv.Key : "module.encoder.resnet." + kv.Key,
                kv.Value))
            .ToDictionary();
        using var network = TorchvisionNetwork(3, [1, 1, 1, 1]);

        ModelInitReport report = ModelInit.LoadPretrained(network, source);

        Assert.Equal("module.encoder.resnet.", report.Prefix);
        Assert.Equal(network.state_dict().Keys.Count(k => !k.StartsWith("layer5.", StringComparison.Ordinal) && !k.StartsWith("layer6.", StringComparison.Ordinal)), report.Loaded.Count);
        Assert.All(report.Skipped, s => Assert.Equal("outside the backbone's prefix 'module.encoder.resnet.'", s.Reason));
        Assert.Equal(16, report.Skipped.Count); // two heads x four branches x (weight, bias)
        Assert.True(network.state_dict()["layer4.0.conv2.weight"].equal(donor.state_dict()["layer4.0.conv2.weight"]).all().item<bool>());
    }

    [Fact]
    public void LoadPretrained_TwoStemsAtTheSameDepth_RefusedNamingBoth()
    {
        using var scope = NewDisposeScope();
        Tensor stem = zeros(64, 3, 7, 7);
        var source = new Dictionary<string, Tensor> { ["student.conv1.weight"] = stem, ["teacher.conv1.weight"] = stem };
        using var network = TorchvisionNetwork(3, [1, 1, 1, 1]);

        var e = Assert.Throws<ModelInitException>(() => ModelInit.LoadPretrained(network, source));

        Assert.Contains("'student.conv1.weight'", e.Message);
        Assert.Contains("'teacher.conv1.weight'", e.Message);
    }

    [Fact]
    public void LoadPretrained_NoResNetStem_RefusedSayingWhatWasFound()
    {
        using var scope = NewDisposeScope();
        using var network = TorchvisionNetwork(3, [1, 1, 1, 1]);
        var source = new Dictionary<string, Tensor> { ["conv1.weight"] = zeros(64, 19, 4, 4), ["classifier.weight"] = zeros(1, 512, 4, 4) };

        var e = Assert.Throws<ModelInitException>(() => ModelInit.LoadPretrained(network, source, sourceName: "d.pth"));

        Assert.Equal("$.model.init", e.Setting);
        Assert.Contains("no ResNet stem", e.Message);
        Assert.Contains("conv1.weight, classifier.weight", e.Message);
    }

    [Fact]
    public void Load_DeepLabV2ReferenceInitIntoTorchvisionBackbone_LoadsWithANoteAboutTheFamily()
    {
        using var network = new DeepLabMulti(19, 3, [1, 1, 1, 1], new DeepLabOptions { Backbone = BackboneKind.TorchvisionResNet });

        ModelInitReport report = ModelInit.Load(network, TestPaths.Fixture("deeplab_init_partial_scale_prefix_legacy.pth"));
        output.WriteLine(report.Describe());

        Assert.Equal("Scale.", report.Prefix);
        Assert.Contains("DeepLab-v2", report.What);
        Assert.Contains(report.Notes, n => n.Contains("use model.backbone \"deeplabv2-resnet\"", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.Key == "layer5.conv2d_list.0.weight" && s.Reason.Contains("class count differs", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ModelOfTheOtherBackbone_RefusedNamingBoth()
    {
        using var temp = new TempDirectory();
        var description = new ModelDescription { Classes = ["a", "b"], InputBands = 3, Blocks = [1, 1, 1, 1], Width = 8 };
        using (DeepLabMulti trained = description.CreateNetwork())
        {
            ModelPackage.Save(temp.File("model.pth"), trained, description);
        }

        using var network = new DeepLabMulti(2, 3, [1, 1, 1, 1], new DeepLabOptions { Width = 8, Backbone = BackboneKind.TorchvisionResNet, OutputStride = 16 });
        var e = Assert.Throws<ModelInitException>(() => ModelInit.Load(network, temp.File("model.pth")));

        Assert.Contains("deeplabv2-resnet backbone at output stride 8", e.Message);
        Assert.Contains("torchvision-resnet at 16", e.Message);
    }
}
