using System.Globalization;
using System.Text.RegularExpressions;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// The ResNet a state dict holds, told from its key names and shapes alone: where it sits (the key
/// prefix before <c>conv1.weight</c>), its family, depth, input band count and a key summary. Used by
/// <c>adaptseg model info</c> and by <see cref="ModelInit"/>.
/// </summary>
/// <remarks>
/// <para>
/// The prefix is what comes before the stem's <c>conv1.weight</c> (a 4-D tensor with a 7x7 kernel),
/// found anywhere in the keys: <c>module.</c> (DataParallel), <c>model.</c>, <c>backbone.</c>,
/// <c>encoder.</c>, combinations such as <c>encoder.resnet.</c> (the LoveDA code's DeepLab-v2) or
/// <c>Scale.</c> (the released DeepLab-v2 initialisation). A block's own <c>conv1</c>
/// (<c>layer1.0.conv1.weight</c>, a 1x1 kernel anyway) is not a stem: a prefix ending in <c>layerN.M.</c> is passed over.
/// </para>
/// <para>
/// The stride placement, which is what tells torchvision's ResNet from the DeepLab-v2 (Caffe) one, is not
/// in the weights: both name their tensors alike (<c>layer1.0.downsample.0.weight</c> exists in both, since
/// both project every stage's first shortcut) and give them the same shapes. The family is therefore told
/// by what surrounds the backbone: DeepLab-v2 ASPP heads (<c>layer5</c>/<c>layer6.conv2d_list</c>) or the
/// <c>Scale.</c> prefix of the Caffe conversion mean DeepLab-v2; an ImageNet classifier <c>fc</c>, or basic
/// blocks (ResNet-18/34, no <c>conv3</c>), mean torchvision-style (torchvision, timm and torchgeo save that
/// network); a bare backbone is reported as not told apart.
/// </para>
/// </remarks>
/// <param name="Prefix">The prefix before the stem's keys (empty for none), or null when no stem <c>conv1.weight</c> was found.</param>
/// <param name="Family">The family, in words.</param>
/// <param name="IsDeepLabV2">True when the keys say DeepLab-v2 (Caffe), false when they say torchvision-style, null when they do not tell.</param>
/// <param name="BlocksPerStage">Blocks of layer1..layer4 (0 for an absent stage).</param>
/// <param name="Depth">50, 101 or 152 (bottleneck blocks), 18 or 34 (basic blocks), or null when the stages are absent or unusual.</param>
/// <param name="Bands">Input channels of the stem's <c>conv1</c>, or null.</param>
/// <param name="KeyCounts">Keys per top-level module under the prefix, in file order (<c>conv1</c>, <c>bn1</c>, <c>layer1</c>, ..., <c>fc</c>).</param>
/// <param name="KeysOutsidePrefix">Keys that do not carry the prefix.</param>
public sealed partial record BackboneSignature(
    string? Prefix,
    string Family,
    bool? IsDeepLabV2,
    IReadOnlyList<int> BlocksPerStage,
    int? Depth,
    int? Bands,
    IReadOnlyList<KeyValuePair<string, int>> KeyCounts,
    int KeysOutsidePrefix)
{
    /// <summary>Where the stem's convolution is under the prefix.</summary>
    public const string StemKey = "conv1.weight";

    /// <summary>The signature of a state dict given by key names and shapes, in file order.</summary>
    /// <param name="entries">Key names and shapes, in file order.</param>
    /// <param name="declaredBackbone">The backbone a file records about itself (an adaptseg model's description:
    /// <c>deeplabv2-resnet</c> or <c>torchvision-resnet</c>), which then gives the family; null to tell it from the keys.</param>
    /// <exception cref="CheckpointException">Several stems at the same depth of nesting (two networks in one file): the prefixes are named.</exception>
    public static BackboneSignature Detect(IReadOnlyList<(string Key, long[] Shape)> entries, string? declaredBackbone = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string? prefix = FindPrefix(entries);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var counts = new List<KeyValuePair<string, int>>();
        int outside = 0;
        foreach (var (key, shape) in entries)
        {
            if (prefix is null || !key.StartsWith(prefix, StringComparison.Ordinal))
            {
                outside++;
                continue;
            }

            string local = key[prefix.Length..];
            shapes[local] = shape;
            string top = local.Split('.')[0];
            int at = counts.FindIndex(kv => kv.Key == top);
            if (at < 0)
            {
                counts.Add(new(top, 1));
            }
            else
            {
                counts[at] = new(top, counts[at].Value + 1);
            }
        }

        int[] blocks = new int[4];
        foreach (string key in shapes.Keys)
        {
            if (BlockKey().Match(key) is { Success: true } m)
            {
                int stage = m.Groups[1].Value[0] - '1';
                blocks[stage] = Math.Max(blocks[stage], int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + 1);
            }
        }

        bool basic = shapes.ContainsKey("layer1.0.conv2.weight") && !shapes.ContainsKey("layer1.0.conv3.weight");
        int? depth = (basic, string.Join(",", blocks)) switch
        {
            (false, "3,4,6,3") => 50,
            (false, "3,4,23,3") => 101,
            (false, "3,8,36,3") => 152,
            (true, "2,2,2,2") => 18,
            (true, "3,4,6,3") => 34,
            _ => null,
        };
        bool heads = shapes.Keys.Any(k => k.StartsWith("layer5.conv2d_list.", StringComparison.Ordinal) || k.StartsWith("layer6.conv2d_list.", StringComparison.Ordinal));
        long[]? fc = shapes.TryGetValue("fc.weight", out long[]? weight) ? weight : shapes.GetValueOrDefault("fc.bias");
        (string family, bool? deepLab) = prefix is null
            ? ("no ResNet stem (no 4-D 7x7 conv1.weight) found", (bool?)null)
            : declaredBackbone == "torchvision-resnet" ? ("torchvision-style ResNet (stride on the 3x3 convolution), as the adaptseg model's description records", false)
            : declaredBackbone is not null ? ("DeepLab-v2 (Caffe-style ResNet: stride on the 1x1 convolution), as the adaptseg model's description records", true)
            : heads ? ("DeepLab-v2 (Caffe-style ResNet: stride on the 1x1 convolution), told by its ASPP heads layer5/layer6", true)
            : prefix == "Scale." ? ("DeepLab-v2 (Caffe-style ResNet: stride on the 1x1 convolution), told by the 'Scale.' prefix of the Caffe conversion", true)
            : fc is { Length: > 0 } ? ($"torchvision-style ResNet (stride on the 3x3 convolution), told by its ImageNet classifier fc ({fc[0]} classes)", false)
            : basic ? ("torchvision-style ResNet with basic blocks (ResNet-18/34), told by its blocks having no conv3; only bottleneck ResNets (50, 101, 152) load", false)
            : ("ResNet backbone without heads or classifier: torchvision's and DeepLab-v2's backbones share names and shapes, so the keys do not tell which", null);
        int? bands = prefix is not null && shapes.TryGetValue(StemKey, out long[]? stem) ? (int)stem[1] : null;
        return new BackboneSignature(prefix, family, deepLab, blocks, depth, bands, counts, outside);
    }

    /// <summary>
    /// The prefix before the stem's <c>conv1.weight</c> (a 4-D 7x7 tensor): empty for none, null when no key
    /// qualifies. The shortest wins; two of the same length are an error.
    /// </summary>
    public static string? FindPrefix(IReadOnlyList<(string Key, long[] Shape)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var candidates = entries
            .Where(e => e.Key.EndsWith(StemKey, StringComparison.Ordinal) && e.Shape is [_, _, 7, 7])
            .Select(e => e.Key[..^StemKey.Length])
            .Where(p => (p.Length == 0 || p.EndsWith('.')) && !BlockPrefix().IsMatch(p))
            .OrderBy(p => p.Length)
            .ToList();
        if (candidates.Count > 1 && candidates[1].Length == candidates[0].Length)
        {
            throw new CheckpointException(
                $"the file holds more than one ResNet stem ({string.Join(", ", candidates.Where(c => c.Length == candidates[0].Length).Select(c => $"'{c}{StemKey}'"))}); " +
                "save the state dict of the one network to start from.");
        }

        return candidates.Count == 0 ? null : candidates[0];
    }

    /// <summary>The key summary in one line: <c>conv1 1, bn1 5, layer1 30 (3 blocks), ...</c>.</summary>
    public string DescribeKeys() => Prefix is null ? $"{KeysOutsidePrefix} keys, none under a ResNet stem" : string.Join(", ", KeyCounts.Select(kv =>
        kv.Key is ['l', 'a', 'y', 'e', 'r', >= '1' and <= '4'] && BlocksPerStage[kv.Key[5] - '1'] > 0
            ? $"{kv.Key} {kv.Value} ({BlocksPerStage[kv.Key[5] - '1']} blocks)"
            : $"{kv.Key} {kv.Value}"))
        + (KeysOutsidePrefix > 0 ? $"; {KeysOutsidePrefix} outside '{Prefix}'" : "");

    [GeneratedRegex(@"^layer([1-4])\.(\d+)\.")]
    private static partial Regex BlockKey();

    [GeneratedRegex(@"(^|\.)layer\d+\.\d+\.$")]
    private static partial Regex BlockPrefix();
}
