using static TorchSharp.torch;

namespace AdaptSeg.Geo.Experiments;

/// <summary>What <see cref="ForwardBenchmark.Run"/> times: the DeepLab-v2 multi-level network's eval forward pass on random input.</summary>
public sealed record ForwardBenchmarkOptions
{
    /// <summary>ResNet depth of the DeepLab-v2 backbone: 101 (the reference), 50 or 152.</summary>
    public int Depth { get; init; } = 101;

    /// <summary>Height and width of the square input tile.</summary>
    public int Size { get; init; } = 512;

    public int Classes { get; init; } = 19;

    public int Bands { get; init; } = 3;

    /// <summary>Tiles per forward pass; times are reported per image.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Timed forward passes (after the warm-up).</summary>
    public int Iterations { get; init; } = 5;

    /// <summary>Untimed forward passes first.</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Float32, Float64, BFloat16 or Float16 (weights and input).</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>What is wrong with these options, named by property; empty when they can run.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Depth is not (50 or 101 or 152))
        {
            problems.Add($"ForwardBenchmarkOptions.Depth {Depth} is not supported; use 101 (the reference), 50 or 152");
        }

        if (Size < 1 || Classes < 1 || Bands < 1 || Batch < 1 || Iterations < 1)
        {
            problems.Add($"ForwardBenchmarkOptions.Size, Classes, Bands, Batch and Iterations must be at least 1 (got {Size}, {Classes}, {Bands}, {Batch}, {Iterations})");
        }

        if (Warmup < 0)
        {
            problems.Add($"ForwardBenchmarkOptions.Warmup must be 0 or more (got {Warmup})");
        }

        if (DType is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 or ScalarType.Float16))
        {
            problems.Add($"ForwardBenchmarkOptions.DType {DType} is not supported; use Float32, Float64, BFloat16 or Float16");
        }

        return problems;
    }
}
