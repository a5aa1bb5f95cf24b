using System.Text.Json;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

public sealed class OnnxModelExportTests
{
    internal static string SaveFormulaModel(string folder, BandStatistics? target = null, TrainingGrid? grid = null, DeepLabOptions? options = null)
    {
        using var network = DeepLabOnnxExporterTests.FormulaNetwork(options: options);
        string path = Path.Combine(folder, "model.pth");
        ModelPackage.Save(path, network, new ModelDescription
        {
            Classes = ["water", "vegetation", "other"],
            InputBands = 3,
            Blocks = [1, 1, 1, 1],
            Width = 8,
            Backbone = network.Options.Backbone,
            OutputStride = network.OutputStride,
            BandNames = ["red", "nir", "green"],
            SourceStatistics = new BandStatistics([60, 70, 80], [20, 25, 30]),
            TargetStatistics = target ?? new BandStatistics([100, 90, 110], [40, 35, 51]),
            TrainingGrid = grid,
        });
        return path;
    }

    [Fact]
    public void Run_ModelTrainedOnAMetricGrid_WritesResolutionInCentimetresPerPixel()
    {
        using var temp = new TempDirectory();
        string wkt;
        using (var utm = AdaptSeg.Geo.Raster.SpatialReference.FromUserInput("EPSG:29192"))
        {
            wkt = utm.Wkt;
        }

        string checkpoint = SaveFormulaModel(temp.Path, grid: new TrainingGrid(wkt, 28.5));
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx") });

        Assert.Null(summary.ResolutionNote);
        using var session = new InferenceSession(temp.File("model.onnx"));
        Assert.Equal(2850.0, JsonSerializer.Deserialize<double>(session.ModelMetadata.CustomMetadataMap["resolution"]), 9);
    }

    [Fact]
    public void Run_ModelTrainedInDegrees_LeavesResolutionOutAndSaysWhy()
    {
        using var temp = new TempDirectory();
        string wkt;
        using (var geographic = AdaptSeg.Geo.Raster.SpatialReference.FromUserInput("EPSG:4326"))
        {
            wkt = geographic.Wkt;
        }

        string checkpoint = SaveFormulaModel(temp.Path, grid: new TrainingGrid(wkt, 0.00025));
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx") });

        Assert.Equal(OnnxModelExport.NotMetresNote, summary.ResolutionNote);
        using var session = new InferenceSession(temp.File("model.onnx"));
        Assert.False(session.ModelMetadata.CustomMetadataMap.ContainsKey("resolution"));
    }

    [Fact]
    public void Run_SavedModel_DeepnessMetadataReadBackByOnnxRuntimeAndProtobuf()
    {
        using var temp = new TempDirectory();
        string checkpoint = SaveFormulaModel(temp.Path);
        string output = temp.File("model.onnx");
        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = output });
        Assert.Equal(8, summary.IrVersion);
        Assert.Equal(17, summary.Opset);
        Assert.NotNull(summary.ResolutionNote);

        using var session = new InferenceSession(output);
        var map = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("Segmentor", JsonSerializer.Deserialize<string>(map["model_type"]));
        Assert.Equal(new Dictionary<string, string> { ["0"] = "water", ["1"] = "vegetation", ["2"] = "other" },
            JsonSerializer.Deserialize<Dictionary<string, string>>(map["class_names"]));
        Assert.Equal(512, JsonSerializer.Deserialize<int>(map["tiles_size"]));
        Assert.Equal(512, JsonSerializer.Deserialize<int>(map["tile_size"]));
        Assert.Equal(50, JsonSerializer.Deserialize<int>(map["tiles_overlap"]));
        Assert.False(map.ContainsKey("resolution"));
        // Deepness: (raw / 255 - mean') / std' must equal (raw - mean) / std with the target statistics.
        double[] mean = JsonSerializer.Deserialize<double[]>(map["standardization_mean"])!;
        double[] std = JsonSerializer.Deserialize<double[]>(map["standardization_std"])!;
        double[] rawMean = [100, 90, 110];
        double[] rawStd = [40, 35, 51];
        for (int c = 0; c < 3; c++)
        {
            foreach (double raw in new[] { 0.0, 37.0, 255.0 })
            {
                Assert.Equal((raw - rawMean[c]) / rawStd[c], ((raw / 255.0) - mean[c]) / std[c], 9);
            }
        }

        Assert.Equal(rawMean, JsonSerializer.Deserialize<double[]>(map["adaptseg_band_mean"]));
        Assert.Equal("target", JsonSerializer.Deserialize<string>(map["adaptseg_statistics"]));
        Assert.Equal(["red", "nir", "green"], JsonSerializer.Deserialize<string[]>(map["adaptseg_band_names"])!);

        ModelProto proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(output));
        Assert.Equal(summary.Metadata.Select(kv => kv.Key), proto.MetadataProps.Select(p => p.Key));
        Assert.Equal(["input"], session.InputMetadata.Keys);
        // Fixed to the tile size: Deepness takes its tile size from the input shape.
        Assert.Equal([-1, 3, 512, 512], session.InputMetadata["input"].Dimensions);
        Assert.Equal([-1, 3, 512, 512], session.OutputMetadata["main"].Dimensions);
    }

    [Fact]
    public void Run_BothHeads_ClassNamesPerOutputAndPredictReadsTheMainHeads()
    {
        using var temp = new TempDirectory();
        string checkpoint = SaveFormulaModel(temp.Path);
        string output = temp.File("model.onnx");
        OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = output, Heads = OnnxHeads.Both, DynamicSize = true });

        using (var session = new InferenceSession(output))
        {
            Assert.Equal(2, JsonSerializer.Deserialize<Dictionary<string, string>[]>(session.ModelMetadata.CustomMetadataMap["class_names"])!.Length);
        }

        using var predictor = AdaptSeg.Geo.Inference.OnnxTilePredictor.FromFile(output);
        Assert.Equal(["water", "vegetation", "other"], predictor.ClassNames);
    }

    [Fact]
    public void Run_OutputExists_RefusesWithoutOverwriteAndKeepsTheFile()
    {
        using var temp = new TempDirectory();
        string checkpoint = SaveFormulaModel(temp.Path);
        string output = temp.File("model.onnx");
        File.WriteAllText(output, "keep me");
        var e = Assert.Throws<AdaptSeg.Geo.Raster.UnsafePathException>(() => OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = output }));
        Assert.Contains("OnnxExportRequest.Overwrite", e.Message); // the library names its own option; the CLI shows --overwrite
        Assert.Equal("keep me", File.ReadAllText(output));
        byte[] model = File.ReadAllBytes(checkpoint);
        Assert.Throws<AdaptSeg.Geo.Raster.UnsafePathException>(() => OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = checkpoint, Overwrite = true }));
        string link = temp.File("link.onnx");
        File.CreateSymbolicLink(link, checkpoint);
        var through = Assert.Throws<AdaptSeg.Geo.Raster.UnsafePathException>(() => OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = link, Overwrite = true }));
        Assert.Contains("never replaces an input", through.Message);
        Assert.Equal(model, File.ReadAllBytes(checkpoint));
        File.Delete(link);
        Assert.Equal(["model.onnx", "model.pth"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }
}
