using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// The trained network as a tile predictor: normalises raw band values with the model's band
/// statistics, runs the network in eval mode without gradients, upsamples the main head's logits
/// bilinearly (align_corners, as the reference evaluation) to the tile size, and returns softmax
/// probabilities.
/// </summary>
public sealed class NetworkTilePredictor : ITilePredictor, IDisposable
{
    private readonly DeepLabMulti network;
    private readonly Device device;
    private readonly Tensor mean;
    private readonly Tensor std;
    private readonly bool ownsNetwork;

    /// <param name="network">The trained network.</param>
    /// <param name="statistics">Per-band mean and std to normalise raw values with.</param>
    /// <param name="device">Where the network runs.</param>
    /// <param name="classNames">Class names, in value order (for the mask legend).</param>
    /// <param name="ownsNetwork">Dispose the network with the predictor.</param>
    public NetworkTilePredictor(DeepLabMulti network, BandStatistics statistics, Device device, IReadOnlyList<string>? classNames = null, bool ownsNetwork = false)
    {
        if (statistics.Mean.Length != network.InputBands || statistics.Std.Length != network.InputBands)
        {
            throw new ArgumentException($"The statistics have {statistics.Mean.Length} bands; the network takes {network.InputBands}.", nameof(statistics));
        }

        this.network = network;
        this.device = device;
        this.ownsNetwork = ownsNetwork;
        ClassNames = classNames ?? Enumerable.Range(0, network.NumClasses).Select(i => $"class_{i}").ToList();
        ScalarType dtype = network.parameters().First().dtype;
        mean = tensor(statistics.Mean, [1, statistics.Mean.Length, 1, 1]).to(dtype).to(device);
        std = tensor(statistics.FlooredStd(), [1, statistics.Std.Length, 1, 1]).to(dtype).to(device);
        network.eval();
    }

    public int ClassCount => network.NumClasses;

    /// <summary>Class names in value order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The grid the model was trained on, when its file records it.</summary>
    public TrainingGrid? TrainingGrid { get; init; }

    public int BandCount => network.InputBands;

    public void Predict(ReadOnlySpan<float> input, int batch, int height, int width, Span<float> probabilities)
    {
        // No garbage collection during the forward pass: TorchSharp's implicit native scalars (a residual
        // add_, a division) could be finalised while libtorch reads them (see Runtime.NoGcRegion).
        using var noGc = new Runtime.NoGcRegion();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor x = tensor(input.ToArray(), [batch, BandCount, height, width]).to(mean.dtype).to(device);
        // Nodata pixels arrive as whatever the file holds (NaN in prepared rasters): give them the
        // band mean, as training does, so they cannot spread NaN through the convolutions.
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
        if (ownsNetwork)
        {
            network.Dispose();
        }
    }
}
