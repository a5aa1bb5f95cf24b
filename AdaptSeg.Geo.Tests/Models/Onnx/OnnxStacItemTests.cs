using System.Text.Json.Nodes;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

public sealed class OnnxStacItemTests
{
    [StacSchemaFact]
    public void Run_Export_WritesAnMlmItemValidAgainstItsSchemas()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx"), Heads = OnnxHeads.Both, TileSize = 256 });
        Assert.Equal(temp.File("model.stac.json"), summary.StacItemPath);
        StacSchemas.AssertValid(summary.StacItemPath!);

        JsonNode item = JsonNode.Parse(File.ReadAllText(summary.StacItemPath!))!;
        JsonNode properties = item["properties"]!;
        Assert.Equal(["semantic-segmentation"], properties["mlm:tasks"]!.AsArray().Select(t => t!.GetValue<string>()));
        JsonNode input = properties["mlm:input"]![0]!;
        Assert.Equal(["red", "nir", "green"], input["bands"]!.AsArray().Select(b => b!.GetValue<string>()));
        Assert.Equal(["batch", "bands", "height", "width"], input["input"]!["dim_order"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal([-1, 3, 256, 256], input["input"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
        // z-score with the target statistics the model normalises with, band by band.
        var scaling = input["value_scaling"]!.AsArray();
        Assert.Equal([100.0, 90.0, 110.0], scaling.Select(s => s!["mean"]!.GetValue<double>()));
        Assert.Equal([40.0, 35.0, 51.0], scaling.Select(s => s!["stddev"]!.GetValue<double>()));
        Assert.All(scaling, s => Assert.Equal("z-score", s!["type"]!.GetValue<string>()));

        var outputs = properties["mlm:output"]!.AsArray();
        Assert.Equal(["main", "aux"], outputs.Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal(["water", "vegetation", "other"], outputs[0]!["classification:classes"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal([-1, 3, 256, 256], outputs[0]!["result"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));

        JsonNode model = item["assets"]!["model"]!;
        Assert.Equal("model.onnx", model["href"]!.GetValue<string>());
        Assert.Contains("mlm:model", model["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("onnx", model["mlm:artifact_type"]!.GetValue<string>());
        Assert.Equal(["red", "nir", "green"], model["eo:bands"]!.AsArray().Select(b => b!["common_name"]!.GetValue<string>()));
    }

    [StacSchemaFact]
    public void Run_ModelWithoutBandNamesAndDynamicSize_StillValidWithChannelsAndSymbolicSize()
    {
        using var temp = new TempDirectory();
        using var network = DeepLabOnnxExporterTests.FormulaNetwork();
        string checkpoint = temp.File("model.pth");
        ModelPackage.Save(checkpoint, network, new ModelDescription
        {
            Classes = ["a", "b", "c"],
            InputBands = 3,
            Blocks = [1, 1, 1, 1],
            Width = 8,
            SourceStatistics = new BandStatistics([60, 70, 80], [20, 25, 30]),
        });
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("net.onnx"), DynamicSize = true });
        StacSchemas.AssertValid(summary.StacItemPath!);
        JsonNode input = JsonNode.Parse(File.ReadAllText(summary.StacItemPath!))!["properties"]!["mlm:input"]![0]!;
        Assert.Empty(input["bands"]!.AsArray());
        Assert.Equal(["batch", "channel", "height", "width"], input["input"]!["dim_order"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal([-1, 3, -1, -1], input["input"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
    }

    [StacSchemaFact]
    public void Validator_MlmItemWithoutArtifactTypeOrInput_IsRefused()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx") });
        JsonNode item = JsonNode.Parse(File.ReadAllText(summary.StacItemPath!))!;
        item["assets"]!["model"]!.AsObject().Remove("mlm:artifact_type");
        item["properties"]!.AsObject().Remove("mlm:input");
        File.WriteAllText(temp.File("broken.json"), item.ToJsonString());
        var (valid, report) = StacSchemas.Validate(temp.File("broken.json"));
        Assert.False(valid, report);
        Assert.Contains("mlm:artifact_type", report);
        Assert.Contains("mlm:input", report);
    }

    [Fact]
    public void Run_NoStac_WritesOnlyTheModel()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx"), StacItem = false });
        Assert.Null(summary.StacItemPath);
        Assert.Equal(["model.onnx", "model.pth"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }
}
