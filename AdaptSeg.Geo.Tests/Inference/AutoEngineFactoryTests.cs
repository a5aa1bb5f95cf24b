using System.Text.Json;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Tests.Models.Onnx;
using AdaptSeg.Geo.Tests.TestSupport;
using Google.Protobuf;
using Onnx;

namespace AdaptSeg.Geo.Tests.Inference;

public sealed class AutoEngineFactoryTests
{
    private static AutoEngineFactory Factory() => new() { TileSize = 64, MeasuredTiles = 1 };

    private static ITilePredictor Create(AutoEngineFactory factory, string model)
    {
        ITilePredictor predictor = factory.Create(model, "cpu");
        (predictor as IDisposable)?.Dispose();
        return predictor;
    }

    [Fact]
    public void Create_ModelPth_MeasuresBothEnginesKeepsTheFasterCachesItAndTheNextCallReadsTheCache()
    {
        using var temp = new TempDirectory();
        string model = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        var first = Factory();

        ITilePredictor chosen = Create(first, model);

        EngineChoice choice = first.LastChoice!;
        Assert.False(choice.Int8);
        Assert.Equal(choice.Engine == InferenceEngine.OnnxRuntime, chosen is OnnxTilePredictor);
        Assert.Equal(2, choice.MsPerTile.Count);
        Assert.Equal(choice.MsPerTile.MinBy(kv => kv.Value).Key, choice.Engine);
        Assert.Contains("the faster float32 engine", choice.Reason);
        Assert.Contains("measured now", choice.CacheNote);
        string cache = EngineMeasurementCache.PathFor(model);
        Assert.Equal(cache, model + ".engine.json");
        using (JsonDocument json = JsonDocument.Parse(File.ReadAllText(cache)))
        {
            JsonElement entry = Assert.Single(json.RootElement.GetProperty("entries").EnumerateArray());
            Assert.Equal(64, entry.GetProperty("key").GetProperty("tileSize").GetInt32());
            Assert.Equal(new FileInfo(model).Length, entry.GetProperty("key").GetProperty("modelBytes").GetInt64());
            Assert.True(entry.GetProperty("msPerTile").TryGetProperty("onnxruntime", out _));
        }

        var second = Factory();
        Create(second, model);
        Assert.Contains("read from", second.LastChoice!.CacheNote);
        Assert.Equal(choice.Engine, second.LastChoice.Engine);
        Assert.Equal(choice.MsPerTile[InferenceEngine.TorchSharp], second.LastChoice.MsPerTile[InferenceEngine.TorchSharp], 1);

        // Another tile size is another measurement.
        var larger = new AutoEngineFactory { TileSize = 80, MeasuredTiles = 1 };
        Create(larger, model);
        Assert.Contains("measured now", larger.LastChoice!.CacheNote);
    }

    [Fact]
    public void Create_ModelFileChanged_CacheEntryNoLongerHoldsAndItMeasuresAgain()
    {
        using var temp = new TempDirectory();
        string model = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        Create(Factory(), model);
        var again = Factory();
        Create(again, model);
        Assert.Contains("read from", again.LastChoice!.CacheNote);

        OnnxModelExportTests.SaveFormulaModel(temp.Path, new BandStatistics([50, 60, 70], [10, 20, 30])); // retrained: other bytes, same path
        var afterChange = Factory();
        Create(afterChange, model);

        Assert.Contains("measured now", afterChange.LastChoice!.CacheNote);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(EngineMeasurementCache.PathFor(model)));
        Assert.Equal(2, json.RootElement.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public void Create_CacheCannotBeWritten_StillChoosesAndSaysItIsNotCached()
    {
        using var temp = new TempDirectory();
        string model = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        // Where the cache file would go stands a folder: the write fails as in a read-only model folder
        // (the tests run as root, for whom permissions do not block writes).
        Directory.CreateDirectory(EngineMeasurementCache.PathFor(model));
        var factory = Factory();

        ITilePredictor chosen = Create(factory, model);

        Assert.NotNull(chosen);
        Assert.Contains("not cached: could not write", factory.LastChoice!.CacheNote);
        Assert.Contains("measures again", factory.LastChoice.CacheNote);
        Assert.True(Directory.Exists(EngineMeasurementCache.PathFor(model)));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(temp.Path, ".*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Create_CorruptCache_IgnoredMeasuredAgainAndReplaced()
    {
        using var temp = new TempDirectory();
        string model = OnnxModelExportTests.SaveFormulaModel(temp.Path);
        File.WriteAllText(EngineMeasurementCache.PathFor(model), "{ not json");
        var factory = Factory();

        Create(factory, model);

        Assert.Contains("measured now", factory.LastChoice!.CacheNote);
        Assert.Contains("cannot be read", factory.LastChoice.CacheNote);
        Assert.Equal(EngineMeasurementCache.Format, JsonDocument.Parse(File.ReadAllText(EngineMeasurementCache.PathFor(model))).RootElement.GetProperty("format").GetString());
    }

    [Fact]
    public void Create_QuantisedOnnx_OnnxRuntimeInt8WithoutMeasuring()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model-int8.onnx");
        File.WriteAllBytes(path, FormulaOnnx(int8: true).ToByteArray());
        var factory = Factory();

        ITilePredictor predictor = factory.Create(path, "cpu");
        using (predictor as IDisposable)
        {
            Assert.True(Assert.IsType<OnnxTilePredictor>(predictor).IsQuantized);
        }

        Assert.Equal("onnxruntime int8", factory.LastChoice!.Name);
        Assert.Contains("quantised", factory.LastChoice.Reason);
        Assert.Null(factory.LastChoice.CacheNote);
        Assert.False(File.Exists(EngineMeasurementCache.PathFor(path)));
    }

    [Fact]
    public void Create_FloatOnnx_OnnxRuntimeFloat32()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.onnx");
        File.WriteAllBytes(path, FormulaOnnx(int8: false).ToByteArray());
        var factory = Factory();

        (factory.Create(path, "cpu") as IDisposable)?.Dispose();

        Assert.Equal("onnxruntime float32", factory.LastChoice!.Name);
        Assert.Contains("TorchSharp reads model.pth", factory.LastChoice.Reason);
    }

    /// <summary>The formula network as an exported .onnx with metadata; int8 calibrated (min-max) on two formula tiles.</summary>
    internal static ModelProto FormulaOnnx(bool int8)
    {
        using var network = DeepLabOnnxExporterTests.FormulaNetwork();
        var statistics = new BandStatistics([100, 90, 110], [40, 35, 45]);
        ModelProto model = DeepLabOnnxExporter.Build(network, new OnnxExportOptions
        {
            Metadata = DeepnessMetadata.Build(["water", "vegetation", "other"], statistics, "target", 512, 50),
        });
        if (!int8)
        {
            return model;
        }

        float[] raw = DeepLabOnnxExporterTests.FormulaTiles(2, 3, 48, 48);
        var tiles = new List<float[]>();
        for (int t = 0; t < 2; t++)
        {
            var tile = new float[3 * 48 * 48];
            OnnxInputNormalisation.Apply(raw.AsSpan(t * tile.Length, tile.Length), 1, 48 * 48,
                statistics.Mean.Select(m => (float)m).ToArray(), statistics.Std.Select(s => (float)s).ToArray(), tile);
            tiles.Add(tile);
        }

        return OnnxModelExport.QuantizeInt8(model, new CalibrationSet(tiles, 3, 48, ["formula"], 2), new CalibrationOptions { Method = CalibrationMethod.MinMax }).Model;
    }
}
