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
