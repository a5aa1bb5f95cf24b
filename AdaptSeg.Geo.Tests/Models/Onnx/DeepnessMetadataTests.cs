using System.Text.Json;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Models.Onnx;

/// <summary>
/// Reads exported models the way QGIS Deepness 0.6.5 does. <see cref="DeepnessRules"/> is our own
/// Python rendering of its parsing rules (<c>processing/models/model_base.py</c>, <c>segmentor.py</c>,
/// the dock widget's "Load default parameters", the defaults of <c>common/config_entry_key.py</c> and
/// the post-processing of <c>map_processor_segmentation.py</c>); it reads the file with ONNX's own
/// Python package and uses Python's <c>json.loads</c>, <c>int()</c> and <c>float()</c> as Deepness does.
/// </summary>
public sealed class DeepnessMetadataTests
{
    private const string DeepnessRules = """
        import json, sys
        import numpy as np
        import onnx

        model = onnx.load(sys.argv[1])
        meta = {p.key: p.value for p in model.metadata_props}       # onnxruntime's custom_metadata_map
        def dims(value):
            return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in value.type.tensor_type.shape.dim]
        input_shape = dims(model.graph.input[0])
        output_shapes = [dims(o) for o in model.graph.output]
        report = {}

        # ModelBase.get_metadata_model_type, and the combo box it selects (ModelType.SEGMENTATION = "Segmentor").
        report["model_type"] = str(json.loads(meta["model_type"])).capitalize()

        # ModelBase.get_outputs_channel_names.
        class_names = json.loads(meta["class_names"])
        if isinstance(class_names, dict):
            class_names = [class_names]
        names = []
        for per_output in [sorted(cn.items(), key=lambda kv: int(kv[0])) for cn in class_names]:
            layer = []
            for counter, (key, value) in enumerate(per_output):
                if int(key) != counter:
                    raise Exception("Class names in the model metadata are not consecutive (missing class label)")
                layer.append(value)
            names.append(layer)

        # Segmentor.get_number_of_output_channels and __init__ (indexes names per output).
        channels = [2 if len(s) == 3 or s[-3] == 1 else s[-3] for s in output_shapes]
        for idx in range(len(output_shapes)):
            names[idx]
        # MapProcessorSegmentation names every channel of every output (ModelBase.get_channel_name).
        for layer_id, count in enumerate(channels):
            for channel_id in range(count):
                if layer_id >= len(names):
                    raise Exception(f"Layer id {layer_id} is out of range of the model outputs")
                if channel_id >= len(names[layer_id]):
                    raise Exception(f"Channel id {channel_id} is out of range of the model outputs")
        report["class_names"] = names

        # ModelBase.get_metadata_standarization_parameters and preprocessing (x / 255, then standardise).
        mean = np.array([float(x) for x in json.loads(meta["standardization_mean"])], dtype=np.float32)
        std = np.array([float(x) for x in json.loads(meta["standardization_std"])], dtype=np.float32)
        raw = np.arange(0, 256, 15, dtype=np.uint8).reshape(1, 1, -1, 1).repeat(input_shape[-3], axis=3)
        report["standardised"] = ((np.float32(raw * 1. / 255.) - mean) / std)[0, 0].T.tolist()

        # Defaults before "Load default parameters" (config_entry_key.py).
        threshold_enabled, threshold = True, 0.5
        small_enabled, small = True, 9
        tile_size = input_shape[-1]          # _load_model_and_display_info: the tile-size box from the input shape
        overlap, resolution = 15, 3.0

        # _load_default_model_parameters: each key that is present.
        if "resolution" in meta:
            resolution = float(json.loads(meta["resolution"]))
        if "tile_size" in meta:
            tile_size = int(json.loads(meta["tile_size"]))
        if "tiles_overlap" in meta:
            overlap = int(json.loads(meta["tiles_overlap"]))
        if "seg_thresh" in meta:
            value = float(json.loads(meta["seg_thresh"]))
            threshold_enabled, threshold = bool(value != 0), value
        if "seg_small_segment" in meta:
            value = int(json.loads(meta["seg_small_segment"]))
            small_enabled, small = bool(value != 0), value

        # get_segmentation_parameters and MapProcessorSegmentation.
        probability_threshold = threshold if threshold_enabled else 0
        dilate_erode_size = small if small_enabled else 0
        report["probability_threshold"] = probability_threshold
        report["median_blur_size"] = int(dilate_erode_size // 2) * 2 + 1
        report["tile_size"], report["tiles_overlap"], report["resolution"] = tile_size, overlap, resolution
        report["input_shape"] = [d if isinstance(d, int) else None for d in input_shape]

        # _process_tile on probabilities whose top class is under 0.5 (three classes).
        p = np.array([[0.40, 0.35, 0.25], [0.20, 0.45, 0.35], [0.30, 0.30, 0.40], [0.10, 0.80, 0.10]], dtype=np.float32).T.reshape(1, 3, 2, 2)
        result = p.copy()
        result[result < probability_threshold] = 0.0
        report["deepness_classes"] = np.argmax(result, axis=1).reshape(-1).tolist()   # Deepness adds 1 ("MADD1") to keep 0 free; left out
        report["argmax_classes"] = np.argmax(p, axis=1).reshape(-1).tolist()
        print(json.dumps(report))
        """;

    [PythonOnnxFact]
    public void Export_MainHead_DeepnessRulesGivePredictsArgmaxAndOurStandardisation()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx"), TileSize = 256, OverlapPercent = 25 });

        JsonElement report = ReadAsDeepness(temp.File("model.onnx"));

        Assert.Equal("Segmentor", report.GetProperty("model_type").GetString());
        Assert.Equal([["water", "vegetation", "other"]], report.GetProperty("class_names").Deserialize<string[][]>()!);
        Assert.Equal(0.0, report.GetProperty("probability_threshold").GetDouble());
        Assert.Equal(1, report.GetProperty("median_blur_size").GetInt32()); // cv2.medianBlur with 1: the identity
        Assert.Equal(report.GetProperty("argmax_classes").Deserialize<int[]>(), report.GetProperty("deepness_classes").Deserialize<int[]>());
        Assert.Equal(256, report.GetProperty("tile_size").GetInt32());
        Assert.Equal([null, 3, 256, 256], report.GetProperty("input_shape").Deserialize<int?[]>()!);
        Assert.Equal(25, report.GetProperty("tiles_overlap").GetInt32());
        // Deepness's (raw / 255 - mean) / std equals the network's (raw - mean) / std with the target statistics.
        double[][] standardised = report.GetProperty("standardised").Deserialize<double[][]>()!;
        double[] rawMean = [100, 90, 110];
        double[] rawStd = [40, 35, 51];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < standardised[c].Length; i++)
            {
                Assert.Equal((i * 15 - rawMean[c]) / rawStd[c], standardised[c][i], 4);
            }
        }
    }

    [PythonOnnxFact]
    public void Export_BothHeads_DeepnessNamesTheClassesOfEachOutput()
    {
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = temp.File("model.onnx"), Heads = OnnxHeads.Both });

        JsonElement report = ReadAsDeepness(temp.File("model.onnx"));

        Assert.Equal([["water", "vegetation", "other"], ["water", "vegetation", "other"]], report.GetProperty("class_names").Deserialize<string[][]>()!);
        Assert.Equal(0.0, report.GetProperty("probability_threshold").GetDouble());
    }

    [PythonOnnxFact]
    public void Rules_WithoutTheSwitchesOrWithOneDictForTwoOutputs_FailAsDeepnessDoes()
    {
        // The rules are not vacuous: Deepness's defaults (threshold 0.5, 9-px filter) change the classes,
        // and one class_names object for two outputs raises as it did for users.
        using var temp = new TempDirectory();
        string checkpoint = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        string output = temp.File("model.onnx");
        OnnxModelExport.Run(new OnnxExportRequest { CheckpointPath = checkpoint, OutputPath = output, Heads = OnnxHeads.Both });
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(output));
        var kept = model.MetadataProps.Where(p => p.Key is not (DeepnessMetadata.SegmentationThreshold or DeepnessMetadata.SmallSegment)).ToList();
        model.MetadataProps.Clear();
        model.MetadataProps.Add(kept);
        foreach (var entry in model.MetadataProps.Where(p => p.Key == DeepnessMetadata.ClassNames))
        {
            entry.Value = """{"0": "water", "1": "vegetation", "2": "other"}""";
        }

        string old = temp.File("old.onnx");
        File.WriteAllBytes(old, Google.Protobuf.MessageExtensions.ToByteArray(model));
        var (code, text) = PythonOnnxFactAttribute.Run(DeepnessRules, old);
        Assert.NotEqual(0, code);
        Assert.Contains("list index out of range", text);

        model.Graph.Output.RemoveAt(1);
        File.WriteAllBytes(old, Google.Protobuf.MessageExtensions.ToByteArray(model));
        JsonElement report = ReadAsDeepness(old);
        Assert.Equal(0.5, report.GetProperty("probability_threshold").GetDouble());
        Assert.Equal(9, report.GetProperty("median_blur_size").GetInt32());
        Assert.Equal([0, 1, 2, 1], report.GetProperty("argmax_classes").Deserialize<int[]>()!);
        Assert.Equal([0, 0, 0, 1], report.GetProperty("deepness_classes").Deserialize<int[]>()!);
    }

    private static JsonElement ReadAsDeepness(string model)
    {
        var (code, output) = PythonOnnxFactAttribute.Run(DeepnessRules, model);
        Assert.True(code == 0, output);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
