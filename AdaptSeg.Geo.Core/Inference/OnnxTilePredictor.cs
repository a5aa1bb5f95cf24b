using System.Text.Json;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Models.Onnx;
using AdaptSeg.Geo.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// A model exported by <see cref="DeepLabOnnxExporter"/> run by ONNX Runtime as a tile predictor:
/// normalises raw band values exactly as <see cref="NetworkTilePredictor"/> does
/// (<c>(x - mean) / std</c> in float32, non-finite results set to 0, the band mean) and returns the
/// graph's <c>main</c> output, softmax probabilities at the tile size.
/// </summary>
public sealed class OnnxTilePredictor : ITilePredictor, IDisposable
{
    /// <summary>Largest .onnx file read (protobuf's own limit is 2 GiB; ResNet-101 is about 170 MB).</summary>
    public const long MaximumModelBytes = 2L * 1024 * 1024 * 1024 - 1;

    /// <summary>Metadata values are JSON texts with camelCase keys.</summary>
    private static readonly JsonSerializerOptions MetadataJson = new(JsonSerializerDefaults.Web);

    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly float[] mean;
    private readonly float[] std;
    private readonly string origin;
    private float[] buffer = [];

    /// <param name="model">The serialised ONNX model.</param>
    /// <param name="statistics">Per-band raw-value mean and std (the model's input normalisation).</param>
    /// <param name="classNames">Class names in value order.</param>
    /// <param name="device">cpu, cuda, cuda:N or auto (CUDA only in a build with <c>-p:OnnxRuntimeBackend=gpu</c>).</param>
    /// <param name="source">Where the model came from, for messages.</param>
    /// <param name="settings">Threads and where to save the optimised graph; null for the defaults.</param>
    public OnnxTilePredictor(byte[] model, BandStatistics statistics, IReadOnlyList<string> classNames, string device = "cpu", string source = "the exported model",
        OnnxSessionSettings? settings = null)
        : this(model, null, statistics, classNames, device, source, settings)
    {
    }

    /// <param name="parsed"><paramref name="model"/> already parsed by the caller (or null), so it is not parsed twice.</param>
    private OnnxTilePredictor(byte[] model, Onnx.ModelProto? parsed, BandStatistics statistics, IReadOnlyList<string> classNames, string device, string source,
        OnnxSessionSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(classNames);
        settings ??= new OnnxSessionSettings();
        IntraOpThreads = settings.IntraOpThreads > 0 ? settings.IntraOpThreads : TorchSharp.torch.get_num_threads();
        using SessionOptions options = CreateOptions(device, source);
        options.IntraOpNumThreads = IntraOpThreads;
        if (settings.OptimizedModelPath is { } optimized)
        {
            options.OptimizedModelFilePath = optimized;
        }

        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load {source}: {e.Message} Export it again with 'adaptseg export onnx'.", e);
        }

        try
        {
            var input = session.InputMetadata.TryGetValue(DeepLabOnnxExporter.InputName, out var i) ? i
                : throw new InvalidDataException($"{source} has no input named '{DeepLabOnnxExporter.InputName}'; it was not written by 'adaptseg export onnx'.");
            var output = session.OutputMetadata.TryGetValue(DeepLabOnnxExporter.MainOutputName, out var o) ? o
                : throw new InvalidDataException($"{source} has no output named '{DeepLabOnnxExporter.MainOutputName}'; it was not written by 'adaptseg export onnx'.");
            BandCount = input.Dimensions.Length == 4 && input.Dimensions[1] > 0 ? input.Dimensions[1]
                : throw new InvalidDataException($"{source}: input '{DeepLabOnnxExporter.InputName}' is not batch x bands x height x width with a fixed band count.");
            ClassCount = output.Dimensions.Length == 4 && output.Dimensions[1] is > 0 and <= 255 ? output.Dimensions[1]
                : throw new InvalidDataException($"{source}: output '{DeepLabOnnxExporter.MainOutputName}' is not batch x classes x height x width with 1..255 classes.");
            if (input.Dimensions[2] > 0 || input.Dimensions[3] > 0)
            {
                FixedSize = (input.Dimensions[2], input.Dimensions[3]);
            }

            if (statistics.Mean.Length != BandCount || statistics.Std.Length != BandCount)
            {
                throw new InvalidDataException($"{source} takes {BandCount} band(s) but its statistics have {statistics.Mean.Length}.");
            }

            if (classNames.Count != ClassCount)
            {
                throw new InvalidDataException($"{source} predicts {ClassCount} classes but {classNames.Count} class names were given.");
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        (mean, std) = OnnxInputNormalisation.Parameters(statistics);
        ClassNames = classNames;
        origin = source;
        IsQuantized = QdqQuantizer.IsQuantized(parsed ?? Onnx.ModelProto.Parser.ParseFrom(model));
    }

    public int ClassCount { get; }

    public int BandCount { get; }

    /// <summary>Class names in value order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The tile height and width the model was exported for, or null when it takes any size.</summary>
    public (int Height, int Width)? FixedSize { get; }

    /// <summary>True for a quantised graph (QDQ int8 from <c>export onnx --quantize int8</c>, or any graph with quantised operators).</summary>
    public bool IsQuantized { get; }

    /// <summary>ONNX Runtime's intra-op thread count.</summary>
    public int IntraOpThreads { get; }

    /// <summary>The grid the model was trained on, when its file records it (predict resamples the input to it, as with TorchSharp).</summary>
    public TrainingGrid? TrainingGrid { get; init; }

    /// <summary>Exports <paramref name="network"/> in memory (main head, opset 17) and runs it with ONNX Runtime.</summary>
    public static OnnxTilePredictor FromNetwork(DeepLabMulti network, BandStatistics statistics, IReadOnlyList<string>? classNames = null, string device = "cpu",
        OnnxSessionSettings? settings = null, TrainingGrid? trainingGrid = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Onnx.ModelProto proto = DeepLabOnnxExporter.Build(network, new OnnxExportOptions());
        return new OnnxTilePredictor(proto.ToByteArray(), proto, statistics,
            classNames ?? Enumerable.Range(0, network.NumClasses).Select(i => $"class_{i}").ToList(), device, "the network exported in memory", settings) { TrainingGrid = trainingGrid };
    }

    /// <summary>
    /// Loads a .onnx file written by <c>adaptseg export onnx</c>: the band statistics and class names
    /// come from its metadata (<c>adaptseg_band_mean</c>, <c>adaptseg_band_std</c>, <c>class_names</c>).
    /// </summary>
    public static OnnxTilePredictor FromFile(string path, string device = "cpu", OnnxSessionSettings? settings = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The ONNX model '{path}' does not exist; write it with 'adaptseg export onnx'.", path);
        }

        if (info.Length > MaximumModelBytes)
        {
            throw new InvalidDataException($"'{path}' is {info.Length} bytes, more than an ONNX protobuf can hold ({MaximumModelBytes}); it is not a model adaptseg wrote.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        Onnx.ModelProto proto;
        try
        {
            proto = Onnx.ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model ({e.Message}); give the .onnx written by 'adaptseg export onnx'.", e);
        }

        var metadata = proto.MetadataProps.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        double[] bandMean = ReadJson<double[]>(metadata, DeepnessMetadata.BandMean, path);
        double[] bandStd = ReadJson<double[]>(metadata, DeepnessMetadata.BandStd, path);
        // One {"0": name, ...} object, or (a file exported with both heads) a list of one per output: the first is the main head's.
        JsonElement classNames = ReadJson<JsonElement>(metadata, DeepnessMetadata.ClassNames, path);
        JsonElement first = classNames.ValueKind == JsonValueKind.Array && classNames.GetArrayLength() > 0 ? classNames[0] : classNames;
        Dictionary<string, string> names;
        try
        {
            names = first.Deserialize<Dictionary<string, string>>() ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': metadata '{DeepnessMetadata.ClassNames}' is not valid ({e.Message}); export the model again with 'adaptseg export onnx'.", e);
        }

        var ordered = new List<string>();
        for (int c = 0; c < names.Count; c++)
        {
            ordered.Add(names.TryGetValue(c.ToString(System.Globalization.CultureInfo.InvariantCulture), out string? name) ? name
                : throw new InvalidDataException($"'{path}': class_names has no entry \"{c}\"; the classes must be numbered 0..{names.Count - 1}."));
        }

        TrainingGrid? grid = metadata.ContainsKey(DeepnessMetadata.TrainingGrid) ? ReadJson<TrainingGrid>(metadata, DeepnessMetadata.TrainingGrid, path) : null;
        if (grid is not null && (string.IsNullOrWhiteSpace(grid.CrsWkt) || !(grid.PixelSize > 0) || !double.IsFinite(grid.PixelSize)))
        {
            throw new InvalidDataException($"'{path}': metadata '{DeepnessMetadata.TrainingGrid}' has no CRS or no positive pixel size; export the model again with 'adaptseg export onnx'.");
        }

        return new OnnxTilePredictor(bytes, proto, new BandStatistics(bandMean, bandStd), ordered, device, $"'{path}'", settings) { TrainingGrid = grid };
    }

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
    {
        long plane = (long)height * width;
        long count = batch * BandCount * plane;
        if (input.Length < count || probabilities.Length < batch * ClassCount * plane)
        {
            throw new ArgumentException($"Predict of {batch} x {height} x {width}: the input holds {input.Length} values and the output {probabilities.Length}; they must hold {count} and {batch * ClassCount * plane}.");
        }

        if (FixedSize is { } size && (size.Height > 0 && size.Height != height || size.Width > 0 && size.Width != width))
        {
            throw new ArgumentException(
                $"{origin} was exported for {size.Height}x{size.Width} tiles but got {height}x{width}; predict with StitchOptions.TileSize {size.Height}, " +
                "or export with OnnxExportRequest.DynamicSize (or pass the model.pth) for any tile size.");
        }

        if (buffer.Length != count)
        {
            buffer = new float[count];
        }

        OnnxInputNormalisation.Apply(input, batch, plane, mean, std, buffer);
        using var value = OrtValue.CreateTensorValueFromMemory(buffer, [batch, BandCount, height, width]);
        using var outputs = session.Run(runOptions, [DeepLabOnnxExporter.InputName], [value], [DeepLabOnnxExporter.MainOutputName]);
        outputs[0].GetTensorDataAsSpan<float>()[..(int)(batch * ClassCount * plane)].CopyTo(probabilities);
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }

    private static SessionOptions CreateOptions(string device, string source)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        string d = device.Trim().ToLowerInvariant();
        bool cudaAvailable = OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
        if (d == "cpu" || (d == "auto" && !cudaAvailable))
        {
            return options;
        }

        if (d != "auto" && d != "cuda" && !d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            options.Dispose();
            throw new ArgumentException($"Device '{device}' is not known; use cpu, cuda, cuda:N or auto.");
        }

        int index = d.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(d[5..], out int n) ? n : 0;
        if (!cudaAvailable)
        {
            options.Dispose();
            throw new DeviceUnavailableException(
                $"ONNX Runtime cannot run {source} on '{device}': this build's ONNX Runtime has no CUDA execution provider. " +
                "Use the device 'cpu', or build with -p:OnnxRuntimeBackend=gpu on a machine with CUDA 12 and cuDNN 9.");
        }

        try
        {
            options.AppendExecutionProvider_CUDA(index);
            return options;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            options.Dispose();
            throw new DeviceUnavailableException(
                $"ONNX Runtime cannot run {source} on '{device}': {e.Message}. Use the device 'cpu', or build with -p:OnnxRuntimeBackend=gpu on a machine with CUDA 12 and cuDNN 9.");
        }
    }

    private static T ReadJson<T>(Dictionary<string, string> metadata, string key, string path)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            throw new InvalidDataException($"'{path}' has no '{key}' metadata; it was not written by 'adaptseg export onnx'. Export the model.pth again, or use InferenceEngine.TorchSharp with the model.pth.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, MetadataJson) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': metadata '{key}' is not valid ({e.Message}); export the model again with 'adaptseg export onnx'.", e);
        }
    }
}
