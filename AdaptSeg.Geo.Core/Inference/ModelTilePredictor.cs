using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using AdaptSeg.Geo.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// A model file (<c>model.pth</c> from <c>adaptseg train</c>) as a tile predictor: normalises raw
/// band values with the model's target statistics (the source's when it has none), runs the
/// network in eval mode without gradients, upsamples the main head bilinearly (align_corners) to
/// the tile and returns softmax probabilities; nodata pixels get the band mean. The same
/// computation as <see cref="NetworkTilePredictor"/>, written apart when that lived in a folder above
/// this one; now that both are in Inference, one could serve both.
/// </summary>
public sealed class ModelTilePredictor : ITilePredictor, IDisposable
{
    private readonly DeepLabMulti network;
    private readonly Device device;
    private readonly Tensor mean;
    private readonly Tensor std;

    private ModelTilePredictor(string path, DeepLabMulti network, ModelDescription description, Device device)
    {
        Path = path;
        this.network = network;
        this.device = device;
        Description = description;
        BandStatistics statistics = description.TargetStatistics ?? description.SourceStatistics
            ?? throw new InvalidDataException($"'{path}' holds no band statistics to normalise the input with; use a model.pth written by 'adaptseg train'.");
        if (statistics.Mean.Length != network.InputBands || statistics.Std.Length != network.InputBands)
        {
            throw new InvalidDataException($"'{path}' has statistics for {statistics.Mean.Length} bands but its network takes {network.InputBands}; the file is damaged.");
        }

        ScalarType dtype = network.parameters().First().dtype;
        mean = tensor(statistics.Mean, [1, statistics.Mean.Length, 1, 1]).to(dtype).to(device);
        std = tensor(statistics.Std.Select(s => Math.Max(s, 1e-6)).ToArray(), [1, statistics.Std.Length, 1, 1]).to(dtype).to(device);
        network.eval();
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>What the model file says about itself (classes, bands, training grid).</summary>
    public ModelDescription Description { get; }

    public int ClassCount => network.NumClasses;

    public int BandCount => network.InputBands;

    /// <summary>Loads <paramref name="path"/> onto <paramref name="device"/> (cpu, cuda, cuda:N, auto).</summary>
    public static ModelTilePredictor Load(string path, string device)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model '{path}' does not exist; give the model.pth written by 'adaptseg train'.", path);
        }

        Device resolved = TorchRuntime.ResolveDevice(device);
        (DeepLabMulti network, ModelDescription description) = ModelPackage.Load(path, resolved);
        try
        {
            return new ModelTilePredictor(path, network, description, resolved);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = tensor(input.ToArray(), [batch, BandCount, height, width]).to(mean.dtype).to(device);
        Tensor scaled = (x - mean) / std;
        Tensor normalised = where(scaled.isfinite(), scaled, zeros_like(scaled));
        (_, Tensor main) = network.call(normalised);
        Tensor up = nn.functional.interpolate(main, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: true);
        Tensor p = nn.functional.softmax(up, 1).to(ScalarType.Float32).cpu().contiguous();
        p.data<float>().CopyTo(probabilities);
    }

    public void Dispose()
    {
        mean.Dispose();
        std.Dispose();
        network.Dispose();
    }
}
