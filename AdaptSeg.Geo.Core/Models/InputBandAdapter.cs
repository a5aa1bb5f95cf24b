using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models;

/// <summary>
/// Adapts pretrained first-layer (<c>conv1</c>) weights, learnt on other bands (3-band RGB for
/// ImageNet, 13 Sentinel-2 bands for some torchgeo weights), to the bands of an input, so a
/// pretrained initialisation or a GTA5 model can start a network on any imagery.
/// </summary>
/// <remarks>
/// For pretrained weights with C input channels and an input of N bands, each band first takes a filter:
/// <list type="bullet">
/// <item>by name, when both the pretrained channels and the input bands are named
/// (<see cref="Plan"/>): the channel of the same name (case ignored), or, for a band the
/// pretrained file does not have, the mean of the C filters;</item>
/// <item>by position otherwise: band k takes channel k, and every band beyond C the mean of the C
/// filters (a 2-band image uses the R and G filters of an RGB file, a single band the R filter).</item>
/// </list>
/// Then, when N &gt; C, all N filters are multiplied by C / N. With every channel taken once and the
/// rest means (as by position), that keeps the first-layer response to an image whose bands are
/// all equal (a grey image) exactly what the pretrained network gives for that grey image, so the
/// pretrained batch-norm statistics still fit. N &lt;= C scales nothing. By position the result is
/// unchanged for N = C; put the red, green and blue bands (or the closest) first to benefit most, or
/// name the bands.
/// </remarks>
public static class InputBandAdapter
{
    /// <summary>
    /// Weights for <paramref name="bands"/> input bands from pretrained weights out x C x kh x kw, by
    /// position. Returns a new tensor (same dtype and device); the input is not changed.
    /// </summary>
    public static Tensor Adapt(Tensor pretrained, int bands)
    {
        CheckWeights(pretrained);
        if (bands < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bands), bands, "The number of input bands must be at least 1.");
        }

        return Apply(pretrained, Plan((int)pretrained.shape[1], bands, null, null));
    }

    /// <summary>
    /// Which pretrained channel each of <paramref name="bands"/> input bands takes: by name when both
    /// <paramref name="pretrainedNames"/> (one per pretrained channel) and <paramref name="bandNames"/>
    /// (one per band) are given, else by position.
    /// </summary>
    /// <exception cref="ArgumentException">A name list of the wrong length, or a name given twice.</exception>
    public static IReadOnlyList<BandSource> Plan(int channels, int bands, IReadOnlyList<string>? pretrainedNames, IReadOnlyList<string>? bandNames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        CheckNames(pretrainedNames, channels, "pretrainedNames", "pretrained channel");
        CheckNames(bandNames, bands, "bandNames", "input band");
        bool byName = pretrainedNames is not null && bandNames is not null;
        var plan = new List<BandSource>(bands);
        for (int b = 0; b < bands; b++)
        {
            string? name = bandNames?[b];
            int? channel = byName
                ? Enumerable.Range(0, channels).Where(c => Same(pretrainedNames![c], name!)).Select(c => (int?)c).FirstOrDefault()
                : b < channels ? b : null;
            plan.Add(new BandSource(b, name, channel, channel is int c2 ? pretrainedNames?[c2] : null, byName));
        }

        return plan;
    }

    /// <summary>
    /// The weights <paramref name="plan"/> describes: each band's pretrained filter or the mean of all of
    /// them, all multiplied by C / N when N &gt; C. Returns a new tensor; the input is not changed.
    /// </summary>
    public static Tensor Apply(Tensor pretrained, IReadOnlyList<BandSource> plan)
    {
        CheckWeights(pretrained);
        ArgumentNullException.ThrowIfNull(plan);
        long channels = pretrained.shape[1];
        if (plan.Count == 0 || plan.Any(p => p.Channel is < 0 || p.Channel >= channels))
        {
            throw new ArgumentException($"The plan must give each band a channel between 0 and {channels - 1}, or none for the mean.", nameof(plan));
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor source = pretrained.detach();
        Tensor mean = source.mean([1], keepdim: true);
        Tensor adapted = cat(plan.Select(p => p.Channel is int c ? source.narrow(1, c, 1) : mean).ToList(), 1);
        if (plan.Count > channels)
        {
            adapted.mul_((double)channels / plan.Count);
        }

        return scope.MoveToOuter(adapted);
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static void CheckWeights(Tensor pretrained)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        if (pretrained.Dimensions != 4)
        {
            throw new ArgumentException(
                $"Expected convolution weights out x in x kh x kw; got shape [{string.Join(", ", pretrained.shape)}].", nameof(pretrained));
        }
    }

    private static void CheckNames(IReadOnlyList<string>? names, int count, string parameter, string what)
    {
        if (names is null)
        {
            return;
        }

        if (names.Count != count)
        {
            throw new ArgumentException($"{names.Count} name(s) for {count} {what}(s): give one name per {what}.", parameter);
        }

        string? twice = names.GroupBy(n => n.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is not null)
        {
            throw new ArgumentException($"The {what} name '{twice}' is given twice; names must be unique.", parameter);
        }
    }
}
