using AdaptSeg.Geo.Cli;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.Models.Checkpoints;
using AdaptSeg.Geo.Tests.TestSupport;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Tests.Cli;

public sealed class ModelCommandTests
{
    [Fact]
    public async Task Info_LegacyDiscriminator_ReportsFormatCountsAndClasses()
    {
        var (code, output, error) = await CliRunner.RunAsync("model", "info", TestPaths.Fixture("fc_discriminator_19c_formula_legacy.pth"));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("legacy (torch.save before PyTorch 1.6)", output);
        Assert.Contains("state dict    top level, 10 keys", output);
        Assert.Contains("parameters    2,781,121 ", output);
        Assert.Contains("FC discriminator (ndf 64)", output);
        Assert.Contains("classes       19 (from conv1.weight", output);
        Assert.Contains("classifier.weight", output);
    }

    [Fact]
    public async Task Info_ReferenceInitFile_ShowsPrefixAnd21ClassHead()
    {
        var (code, output, _) = await CliRunner.RunAsync("model", "info", TestPaths.Fixture("deeplab_init_partial_scale_prefix_legacy.pth"));

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("key prefix    Scale.", output);
        Assert.Contains("classes       21 (from layer5.conv2d_list.0.weight)", output);
        Assert.Contains("layer5.conv2d_list.3.weight", output);
        Assert.Contains("[21, 1024, 3, 3]", output);
    }

    [Theory]
    [InlineData("torchvision_resnet50_partial_formula.pth", "zip (torch.save", "")]
    [InlineData("torchvision_resnet50_partial_formula_legacy.pth", "legacy (torch.save", "; keys under 'module.'")]
    [InlineData("torchvision_resnet50_partial_formula.safetensors", "safetensors (JSON header", "; keys under 'model.'")]
    public async Task Info_TorchvisionInitFile_PrintsFamilyDepthBandsAndKeySummary(string file, string format, string prefix)
    {
        var (code, output, error) = await CliRunner.RunAsync("model", "info", TestPaths.Fixture(file));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"format        {format}", output);
        Assert.Contains($"backbone      torchvision-style ResNet (stride on the 3x3 convolution), told by its ImageNet classifier fc (1000 classes){prefix}", output);
        Assert.Contains("depth         unknown (blocks [3, 0, 0, 0]: a partial or unusual backbone)", output);
        Assert.Contains("bands         3 (input channels of conv1)", output);
        Assert.Contains("keys          conv1 1, bn1 5, layer1 60 (3 blocks), fc 1", output);
    }

    [Fact]
    public async Task Info_FullTorchvisionResNet101AndTorchgeoStem_DepthAndBandCount()
    {
        using var dir = new TempDirectory();
        string path = dir.File("resnet101.pth");
        using (var scope = NewDisposeScope())
        {
            using var network = new AdaptSeg.Geo.Models.DeepLabMulti(3, 4, AdaptSeg.Geo.Models.DeepLabMulti.ResNet101,
                new AdaptSeg.Geo.Models.DeepLabOptions { Backbone = AdaptSeg.Geo.Config.BackboneKind.TorchvisionResNet, Width = 4 });
            var state = network.state_dict().Where(kv => !kv.Key.StartsWith("layer5.", StringComparison.Ordinal) && !kv.Key.StartsWith("layer6.", StringComparison.Ordinal))
                .ToDictionary(kv => "backbone." + kv.Key, kv => (object?)kv.Value);
            state["backbone.fc.weight"] = zeros(1000, 32);
            CheckpointWriter.Save(path, new Dictionary<string, object?> { ["model"] = state });
        }

        var (code, output, error) = await CliRunner.RunAsync("model", "info", path);
        var (code13, output13, _) = await CliRunner.RunAsync("model", "info", TestPaths.Fixture("torchgeo_style_conv1_13b.pth"));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("told by its ImageNet classifier fc (1000 classes); keys under 'backbone.'", output);
        Assert.Contains("depth         ResNet-101 (blocks [3, 4, 23, 3])", output);
        Assert.Contains("bands         4 (input channels of conv1)", output);
        Assert.Contains("layer3 ", output);
        Assert.Contains("(23 blocks)", output);
        Assert.Equal(ExitCodes.Success, code13);
        Assert.Contains("ResNet backbone without heads or classifier", output13);
        Assert.Contains("depth         unknown (no stage layer1..layer4 in the file)", output13);
        Assert.Contains("bands         13 (input channels of conv1)", output13);
    }

    [Theory]
    [InlineData(AdaptSeg.Geo.Config.BackboneKind.TorchvisionResNet, "torchvision-style ResNet (stride on the 3x3 convolution), as the adaptseg model's description records")]
    [InlineData(AdaptSeg.Geo.Config.BackboneKind.DeepLabV2ResNet, "DeepLab-v2 (Caffe-style ResNet: stride on the 1x1 convolution), as the adaptseg model's description records")]
    public async Task Info_AdaptsegModel_BackboneAsItsDescriptionRecords(AdaptSeg.Geo.Config.BackboneKind backbone, string family)
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.pth");
        var description = new AdaptSeg.Geo.Models.ModelDescription { Classes = ["a", "b"], InputBands = 4, Blocks = [1, 1, 1, 1], Width = 8, Backbone = backbone };
        using (var network = description.CreateNetwork())
        {
            AdaptSeg.Geo.Models.ModelPackage.Save(path, network, description);
        }

        var (code, output, error) = await CliRunner.RunAsync("model", "info", path);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($"backbone      {family}", output);
        Assert.Contains("bands         4 (input channels of conv1)", output);
        Assert.Contains(backbone == AdaptSeg.Geo.Config.BackboneKind.TorchvisionResNet ? "on torchvision's ResNet (" : "network       DeepLab-v2 multi-level (", output);
    }

    [Fact]
    public async Task Info_WrittenCheckpoint_ShowsWrapperAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = dir.File("trained.pth");
        using var scope = NewDisposeScope();
        var d = new AdaptSeg.Geo.Models.FcDiscriminator(3, ndf: 8);
        CheckpointWriter.Save(path, new Dictionary<string, object?>
        {
            ["state_dict"] = d.state_dict(),
            ["class_names"] = new[] { "water", "vegetation", "other" },
            ["step"] = 500,
        });

        var (code, output, _) = await CliRunner.RunAsync("model", "info", path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("zip (torch.save, PyTorch 1.6 or later)", output);
        Assert.Contains("under 'state_dict'", output);
        Assert.Contains("class_names = [water, vegetation, other]", output);
        Assert.Contains("step = 500", output);
    }

    [Fact]
    public async Task Info_ForbiddenGlobal_ExitsTwoNamingIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("evil.pth");
        CraftedFiles.WriteZip(path, CraftedFiles.OsSystemPickle(dir.File("marker")));

        var (code, _, error) = await CliRunner.RunAsync("model", "info", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("'os.system'", error);
    }

    [Fact]
    public async Task Info_NotACheckpoint_ExitsTwo()
    {
        using var dir = new TempDirectory();
        string path = dir.File("readme.pth");
        File.WriteAllText(path, "hello");

        var (code, _, error) = await CliRunner.RunAsync("model", "info", path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not a PyTorch checkpoint", error);
        Assert.Contains(path, error);
    }
}
