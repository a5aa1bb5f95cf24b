using System.Globalization;
using System.Text;
using AdaptSeg.Geo.Models.Checkpoints;

namespace AdaptSeg.Geo.Models;

/// <summary>What <see cref="ModelInit"/> did: what the file is, what was loaded, skipped and left alone, and the band mapping.</summary>
/// <param name="Source">The file (or the name of the state dict given).</param>
/// <param name="What">What the file holds, in words (an adaptseg model, or the family, depth and bands of a pretrained ResNet).</param>
/// <param name="Prefix">The key prefix stripped (<c>module.</c>, <c>encoder.resnet.</c>, ...), empty for none; null for an adaptseg model.</param>
/// <param name="Loaded">Network keys whose values came from the file, in the network's order.</param>
/// <param name="Skipped">File keys not loaded, each with why (an ImageNet classifier, a head for another class count, a key outside the prefix, ...).</param>
/// <param name="NotInitialised">Network keys the file does not give: they keep the network's own initialisation.</param>
/// <param name="BandMapping">Where each input band's <c>conv1</c> filter came from; null when <c>conv1</c> was not loaded, or loaded as it is from an adaptseg model.</param>
/// <param name="InitChannels">Input channels of the file's <c>conv1</c> (C of the C / N scaling), or null.</param>
/// <param name="Notes">Things the user should know (band names unknown, another family or depth, ...).</param>
public sealed record ModelInitReport(
    string Source,
    string What,
    string? Prefix,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<SkippedKey> Skipped,
    IReadOnlyList<string> NotInitialised,
    IReadOnlyList<BandSource>? BandMapping,
    int? InitChannels,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// The report as lines for the console and log: the file, the counts, every skipped key with its reason
    /// (the first <paramref name="maxListed"/>), the first keys not initialised, the band mapping and the notes.
    /// </summary>
    public string Describe(int maxListed = 10)
    {
        var text = new StringBuilder();
        text.AppendLine($"model.init {Source}: {What}{(string.IsNullOrEmpty(Prefix) ? "" : $"; keys under '{Prefix}'")}");
        text.AppendLine($"  loaded {Loaded.Count}, skipped {Skipped.Count}, not initialised {NotInitialised.Count} (they keep this network's own initialisation)");
        foreach (SkippedKey s in Skipped.Take(maxListed))
        {
            text.AppendLine($"  skipped {s.Key}: {s.Reason}");
        }

        if (Skipped.Count > maxListed)
        {
            text.AppendLine($"  ... and {Skipped.Count - maxListed} more skipped");
        }

        if (NotInitialised.Count > 0)
        {
            text.Append($"  not initialised: {string.Join(", ", NotInitialised.Take(maxListed))}");
            text.AppendLine(NotInitialised.Count > maxListed ? $", ... ({NotInitialised.Count - maxListed} more)" : "");
        }

        if (BandMapping is { Count: > 0 } mapping)
        {
            text.AppendLine($"  conv1 bands ({(mapping[0].ByName ? "by name" : "by position")}; the file has {InitChannels} channel(s)):");
            int width = mapping.Max(b => Label(b).Length);
            foreach (BandSource b in mapping)
            {
                string from = b.Channel is int c
                    ? $"channel {c + 1}{(b.ChannelName is null ? "" : $" {b.ChannelName}")}"
                    : $"mean of the {InitChannels} channels{(b.ByName ? $" (the file has no '{b.Name}')" : "")}";
                text.AppendLine($"    band {Label(b).PadRight(width)} <- {from}");
            }

            if (InitChannels is int channels && mapping.Count > channels)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"    all {mapping.Count} filters x {channels}/{mapping.Count} = {(double)channels / mapping.Count:0.####} (more bands than the file's {channels}: keeps a grey image's response)"));
            }
        }

        foreach (string note in Notes)
        {
            text.AppendLine($"  note: {note}");
        }

        return text.ToString();
    }

    private static string Label(BandSource b) => b.Name is null ? $"{b.Band + 1}" : $"{b.Band + 1} {b.Name}";
}
