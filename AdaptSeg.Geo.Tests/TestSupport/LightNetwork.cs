using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models;
using TorchSharp;

namespace AdaptSeg.Geo.Tests.TestSupport;

/// <summary>The demo's light DeepLab-v2 (stem width 16, one block per stage) with seeded random weights, as a tile predictor on the CPU.</summary>
public static class LightNetwork
{
    /// <summary>Classes of the light network.</summary>
    public static readonly string[] Classes = ["water", "vegetation", "other"];

    /// <summary>Band statistics it normalises with.</summary>
    public static readonly BandStatistics Statistics = new([60.0, 70.0, 80.0], [30.0, 30.0, 30.0]);

    /// <summary>
    /// The network: 3 bands, 3 classes; the same seed gives the same weights. Convolutions are
    /// He-initialised (the reference's N(0, 0.01) lets the signal die out, so an untrained network
    /// would answer one class everywhere; these answer from the image).
    /// </summary>
    public static DeepLabMulti CreateNetwork(int seed = 12)
    {
        torch.manual_seed(seed);
        var model = new DeepLabMulti(3, 3, [1, 1, 1, 1], new DeepLabOptions { Width = 16 });
        using (torch.no_grad())
        {
            foreach (var parameter in model.parameters().Where(p => p.dim() == 4))
            {
                torch.nn.init.kaiming_normal_(parameter);
            }
        }

        return model;
    }

    /// <summary>The network as a predictor (it owns the network).</summary>
    public static NetworkTilePredictor Create(int seed = 12) =>
        new(CreateNetwork(seed), Statistics, torch.CPU, Classes, ownsNetwork: true);
}
