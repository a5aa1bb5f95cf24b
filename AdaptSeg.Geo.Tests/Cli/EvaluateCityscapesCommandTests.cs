using System.Text.Json;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Checkpoints;
using AdaptSeg.Geo.Tests.Benchmarks;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Cli;

public sealed class EvaluateCityscapesCommandTests
{
    [Fact]
    public async Task Help_ListsTheOptions()
    {
        var (code, output, _) = await CliRunner.RunAsync("evaluate-cityscapes", "--help");
        Assert.Equal(0, code);
        foreach (string option in new[] { "--checkpoint", "--cityscapes", "--list", "--out", "--device", "--batch-size", "--depth" })
        {
            Assert.Contains(option, output);
        }
    }

    [Fact]
    public async Task MissingCheckpoint_Exits2NamingIt()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("evaluate-cityscapes", "--checkpoint", temp.File("none.pth"), "--cityscapes", temp.Path);
        Assert.Equal(2, code);
        Assert.Contains(temp.File("none.pth"), error);
    }

    [Fact]
    public async Task CityscapesWithoutGtFine_Exits2NamingTheFolder()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("model.pth"), "not read: the data is checked first");
        SyntheticPng.Rgb(Path.Combine(temp.Path, "cs", "leftImg8bit", "val", "c", "c_1_leftImg8bit.png"), 2, 2, (_, _) => (1, 2, 3));
        var (code, _, error) = await CliRunner.RunAsync("evaluate-cityscapes", "--checkpoint", temp.File("model.pth"), "--cityscapes", Path.Combine(temp.Path, "cs"));
        Assert.Equal(2, code);
        Assert.Contains(Path.Combine(temp.Path, "cs", "gtFine", "val"), error);
    }

    [Fact]
    public async Task UnsupportedDepth_Exits2SayingWhichAreSupported()
    {
        var (code, _, error) = await CliRunner.RunAsync("evaluate-cityscapes", "--checkpoint", "x.pth", "--cityscapes", "cs", "--depth", "34");
        Assert.Equal(2, code);
        Assert.Contains("101", error);
    }

    [Fact]
    public async Task CheckpointOfAnotherNetwork_Exits2SayingWhatIsMissing()
    {
        using var temp = new TempDirectory();
        CityscapesDatasetTests.WritePair(temp.File("cs"), "val", "c/c_1", 4, 2);
        string pth = temp.File("other.pth");
        using (var weight = TorchSharp.torch.zeros(3, 3))
        {
            CheckpointWriter.Save(pth, new Dictionary<string, object?> { ["state_dict"] = new Dictionary<string, object?> { ["fc.weight"] = weight } });
        }

        var (code, _, error) = await CliRunner.RunAsync("evaluate-cityscapes", "--checkpoint", pth, "--cityscapes", temp.File("cs"), "--depth", "50", "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("conv1.weight", error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OutIsTheImageFolder_Exits2AndTheImageIsUnchanged(bool throughLink)
    {
        using var temp = new TempDirectory();
        CityscapesDatasetTests.WritePair(temp.File("cs"), "val", "c/c_1", 4, 2);
        string imageFolder = Path.Combine(temp.File("cs"), "leftImg8bit", "val", "c");
        string image = Path.Combine(imageFolder, "c_1_leftImg8bit.png");
        byte[] before = File.ReadAllBytes(image);
        File.WriteAllText(temp.File("model.pth"), "not read: the outputs are checked first");
        string output = imageFolder;
        if (throughLink)
        {
            output = temp.File("predictions");
            Directory.CreateSymbolicLink(output, imageFolder);
        }

        var (code, _, error) = await CliRunner.RunAsync("evaluate-cityscapes", "--checkpoint", temp.File("model.pth"), "--cityscapes", temp.File("cs"), "--out", output, "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("would replace the image", error);
        Assert.Contains("c_1_leftImg8bit.png", error);
        Assert.Equal(before, File.ReadAllBytes(image));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task FormulaWeightedCheckpoint_RunsEndToEndAndWritesPngsAndTable()
    {
        // One 2048x1024 val image and label in the original layout, a ResNet-50 DeepLabMulti with
        // the fixtures' formula weights saved as a .pth, the paper's sizes (1024x512 in, 2048x1024 out).
        using var temp = new TempDirectory();
        string root = temp.File("cs");
        const string stem = "frankfurt/frankfurt_000000_000294";
        SyntheticPng.Rgb(Path.Combine(root, "leftImg8bit", "val", stem + "_leftImg8bit.png"), 2048, 1024, (x, y) => ((byte)(x / 8), (byte)(y / 4), (byte)((x + y) / 16)));
        byte[] ids = [7, 8, 11, 21, 23, 26, 0, 24];
        SyntheticPng.Grey(Path.Combine(root, "gtFine", "val", stem + "_gtFine_labelIds.png"), 2048, 1024, (x, y) => ids[(x / 256 + y / 512) % 8]);
        File.WriteAllText(temp.File("val.txt"), stem + "_leftImg8bit.png\n");

        string pth = temp.File("formula.pth");
        using (var model = new DeepLabMulti(19, 3, DeepLabMulti.ResNet50))
        {
            FormulaWeights.Apply(model);
            var state = model.state_dict().ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
            CheckpointWriter.Save(pth, state);
        }

        string output = temp.File("out");
        var (code, stdout, error) = await CliRunner.RunAsync(
            "evaluate-cityscapes", "--checkpoint", pth, "--cityscapes", root, "--list", temp.File("val.txt"),
            "--out", output, "--device", "cpu", "--depth", "50");
        Assert.True(code == 0, error);
        Assert.Contains("mIoU", stdout);

        LabelImage predicted = LabelImage.Read(Path.Combine(output, "frankfurt_000000_000294_leftImg8bit.png"));
        Assert.Equal((2048, 1024), (predicted.Width, predicted.Height));
        Assert.All(predicted.Values, v => Assert.InRange(v, (byte)0, (byte)18));
        Assert.True(File.Exists(Path.Combine(output, "frankfurt_000000_000294_leftImg8bit_color.png")));

        // The table agrees with the written prediction scored independently on the CPU.
        LabelImage reference = LabelImage.ReadTrainIds(Path.Combine(root, "gtFine", "val", stem + "_gtFine_labelIds.png"));
        var matrix = new ConfusionMatrix(19);
        matrix.Add(reference.Values, predicted.Values);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "iou.json")));
        Assert.Equal(matrix.MeanIoU() * 100, json.RootElement.GetProperty("mIoU").GetDouble(), 9);
        Assert.Equal(19, File.ReadAllLines(Path.Combine(output, "iou.txt")).Count(l => CityscapesLabels.ClassNames.Any(n => l.StartsWith(n + " ", StringComparison.Ordinal))));
    }
}
