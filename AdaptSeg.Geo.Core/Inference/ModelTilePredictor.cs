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
/// the tile and returns softmax probabilities; nodata pixels get the band mean. The computation is
/// <see cref="NetworkTilePredictor"/>'s; this adds loading the file and what it says about itself.
/// </summary>
public sealed class ModelTilePredictor : ITilePredictor, IDisposable
{
    private readonly NetworkTilePredictor predictor;

    private ModelTilePredictor(string path, DeepLabMulti network, ModelDescription description, Device device)
    {
        Path = path;
        Description = description;
        BandStatistics statistics = description.TargetStatistics ?? description.SourceStatistics
            ?? throw new InvalidDataException($"'{path}' holds no band statistics to normalise the input with; use a model.pth written by 'adaptseg train'.");
        if (statistics.Mean.Length != network.InputBands || statistics.Std.Length != network.InputBands)
        {
            throw new InvalidDataException($"'{path}' has statistics for {statistics.Mean.Length} bands but its network takes {network.InputBands}; the file is damaged.");
        }

        predictor = new NetworkTilePredictor(network, statistics, device, description.Classes, ownsNetwork: true);
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>What the model file says about itself (classes, bands, training grid).</summary>
    public ModelDescription Description { get; }

    public int ClassCount => predictor.ClassCount;

    public int BandCount => predictor.BandCount;

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

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities) =>
        predictor.Predict(input, batch, height, width, probabilities);

    public void Dispose() => predictor.Dispose();
}
