using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;

namespace AdaptSeg.Geo.Experiments;

/// <summary>What runs the tiles in a <see cref="PredictionBenchmark"/>.</summary>
public enum PredictionBenchmarkEngine
{
    /// <summary>No network: a one-hot of the first band's value, which costs next to nothing, so the pipeline (read, blend, argmax, write) is measured alone.</summary>
    ModelFree,

    /// <summary>The DeepLab network (random weights) in TorchSharp.</summary>
    TorchSharp,

    /// <summary>The same weights exported to ONNX in memory, float32, in ONNX Runtime.</summary>
    OnnxRuntime,

    /// <summary>That graph quantised to QDQ int8 (min-max calibration on tiles of the synthetic raster), in ONNX Runtime.</summary>
    Int8,
}

/// <summary>
/// What <see cref="PredictionBenchmark.Run"/> measures: sliding-window prediction of a synthetic square raster
/// (uint8, written untimed) with each of <see cref="Engines"/> in turn, on the same raster and tiles.
/// </summary>
public sealed record PredictionBenchmarkOptions
{
    /// <summary>Side of the synthetic square raster in pixels.</summary>
    public int Size { get; init; } = 8192;

    /// <summary>Bands of the synthetic raster, all fed to the predictor.</summary>
    public int Bands { get; init; } = 3;

    /// <summary>Classes blended (1 to 255; memory and time grow with it).</summary>
    public int Classes { get; init; } = 6;

    /// <summary>Tile size, overlap, blend and batch.</summary>
    public StitchOptions Stitch { get; init; } = new();

    /// <summary>Where the synthetic raster and the masks go; null: a temporary folder, deleted afterwards.</summary>
    public string? Folder { get; init; }

    /// <summary>The engines, run one after the other (the first is the reference of the ratios and agreements).</summary>
    public IReadOnlyList<PredictionBenchmarkEngine> Engines { get; init; } = [PredictionBenchmarkEngine.ModelFree];

    /// <summary>Bottleneck blocks per stage of the network (ResNet-101 unless told); unused by <see cref="PredictionBenchmarkEngine.ModelFree"/>.</summary>
    public IReadOnlyList<int> Blocks { get; init; } = DeepLabMulti.ResNet101;

    /// <summary>Stem width of the network (the paper: 64).</summary>
    public int Width { get; init; } = 64;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Whether an engine runs the network.</summary>
    public bool UsesNetwork => Engines.Any(e => e != PredictionBenchmarkEngine.ModelFree);

    /// <summary>What is wrong with these options, named by property; empty when they can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Size < 1 || Bands < 1 || Classes is < 1 or > 255)
        {
            problems.Add($"PredictionBenchmarkOptions.Size and Bands must be positive and Classes 1 to 255 (got {Size}, {Bands}, {Classes})");
        }

        if (Engines.Count == 0 || Engines.Distinct().Count() != Engines.Count)
        {
            problems.Add("PredictionBenchmarkOptions.Engines must name at least one engine, each once");
        }

        if (UsesNetwork && (Blocks.Count != 4 || Blocks.Any(b => b < 1) || Width < 1))
        {
            problems.Add($"PredictionBenchmarkOptions.Blocks must be four positive counts and Width positive (got [{string.Join(",", Blocks)}], {Width})");
        }

        try
        {
            Stitch.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message.TrimEnd('.'));
        }

        return problems;
    }
}
