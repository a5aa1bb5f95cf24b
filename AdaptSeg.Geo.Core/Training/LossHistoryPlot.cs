using AdaptSeg.Geo.Visualisation;

namespace AdaptSeg.Geo.Training;

/// <summary>A training run's loss history drawn by <see cref="LossPlot"/> (which draws plain series only).</summary>
public static class LossHistoryPlot
{
    /// <summary>Renders an adversarial run's history (segmentation, adversarial, discriminator panels) to <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyList<(int Iteration, StepLosses Losses)> history, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        int[] iterations = [.. history.Select(h => h.Iteration)];
        LossPlot.Save(path, iterations,
        [
            new LossPanel("segmentation (source)", [.. history.Select(h => h.Losses.SegAux)], [.. history.Select(h => h.Losses.SegMain)]),
            new LossPanel("adversarial (target)", [.. history.Select(h => h.Losses.AdvAux)], [.. history.Select(h => h.Losses.AdvMain)]),
            new LossPanel("discriminator", [.. history.Select(h => h.Losses.DiscAux)], [.. history.Select(h => h.Losses.DiscMain)]),
        ], title);
    }
}
