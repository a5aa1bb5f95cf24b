using System.Collections;
using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// What a checkpoint holds, for <c>adaptseg model info</c>: format, counts, recognised network, class count, head shapes,
/// the ResNet backbone (family, depth, band count, key summary: <see cref="Backbone"/>), metadata.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Format">Zip or legacy.</param>
/// <param name="TopLevelKeys">The checkpoint's top-level keys.</param>
/// <param name="StateDictKey">Where the state dict was found: null for the top level, else its wrapper key; see <see cref="HasStateDict"/>.</param>
/// <param name="HasStateDict">Whether a state dict was found at all.</param>
/// <param name="KeyPrefix">A prefix every state-dict key carries (<c>Scale.</c>, <c>module.</c>), or null.</param>
/// <param name="StateDictKeyCount">Entries in the state dict.</param>
/// <param name="TensorCount">Tensors in the whole checkpoint (nested optimiser states and discriminators included).</param>
/// <param name="ParameterCount">Elements of the state dict's floating-point tensors (weights and running statistics).</param>
/// <param name="Kind">The recognised network, in words.</param>
/// <param name="NumClasses">The class count read from the head shapes, or null when not recognised.</param>
/// <param name="ClassesFrom">The key <see cref="NumClasses"/> was read from.</param>
/// <param name="HeadShapes">Classifier-head (or discriminator input/output) tensors and their shapes.</param>
/// <param name="Metadata">Non-tensor top-level entries rendered as text (configuration, class names, step, ...), each cut at a few
/// hundred characters, the first thousand of them.</param>
public sealed record CheckpointSummary(
    string Path,
    CheckpointFormat Format,
    IReadOnlyList<string> TopLevelKeys,
    string? StateDictKey,
    bool HasStateDict,
    string? KeyPrefix,
    int StateDictKeyCount,
    int TensorCount,
    long ParameterCount,
    string Kind,
    int? NumClasses,
    string? ClassesFrom,
    IReadOnlyList<KeyValuePair<string, long[]>> HeadShapes,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    /// <summary>Non-tensor top-level entries in the file; <see cref="Metadata"/> renders the first thousand of them.</summary>
    public int MetadataCount { get; init; }

    /// <summary>The ResNet the state dict holds (prefix, family, depth, bands, keys per module); null without a state dict.</summary>
    public BackboneSignature? Backbone { get; init; }

    /// <summary>Why <see cref="Backbone"/> could not be told (two stems in one file, say), or null.</summary>
    public string? BackboneProblem { get; init; }

    private const int MaxRendered = 240;

    /// <summary>Metadata entries rendered at most; <see cref="MetadataCount"/> says how many there are.</summary>
    private const int MaxMetadataEntries = 1000;
    private static readonly string[] KnownTopModules = ["conv1", "bn1", "layer1", "layer2", "layer3", "layer4", "layer5", "layer6", "conv2", "conv3", "conv4", "classifier"];

    /// <summary>Summarises an open checkpoint.</summary>
    public static CheckpointSummary Describe(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var plain = checkpoint.Entries.Where(kv => !IsTensorTree(kv.Value)).Concat(checkpoint.FileMetadata).ToList();
        var metadata = plain
            .Take(MaxMetadataEntries)
            .Select(kv => new KeyValuePair<string, string>(kv.Key, Render(kv.Value)))
            .ToList();
        if (!checkpoint.HasStateDict)
        {
            return new CheckpointSummary(checkpoint.Path, checkpoint.Format, [.. checkpoint.Entries.Keys], null, false, null, 0, checkpoint.TensorCount, 0,
                "no state dict found", null, null, [], metadata) { MetadataCount = plain.Count };
        }

        StateDict state = checkpoint.StateDict;
        string? prefix = CommonPrefix(state.Keys);
        var shapes = state.ToDictionary(kv => prefix is null ? kv.Key : kv.Key[prefix.Length..], kv => kv.Value.shape, StringComparer.Ordinal);
        long parameters = state.Values.Where(t => t.is_floating_point()).Sum(t => t.numel());
        BackboneSignature? backbone = null;
        string? problem = null;
        string? declared = DeclaredBackbone(checkpoint);
        try
        {
            backbone = BackboneSignature.Detect([.. state.Select(kv => (kv.Key, kv.Value.shape))], declared);
        }
        catch (CheckpointException e)
        {
            problem = e.Message;
        }

        var (kind, classes, from, heads) = Recognise(shapes);
        if (declared == "torchvision-resnet")
        {
            kind = kind.Replace("DeepLab-v2 multi-level (", "DeepLab-v2 multi-level on torchvision's ResNet (", StringComparison.Ordinal);
        }

        if (classes is null && backbone?.Prefix is not null)
        {
            kind = "ResNet backbone without segmentation heads (see backbone below)";
        }

        return new CheckpointSummary(checkpoint.Path, checkpoint.Format, [.. checkpoint.Entries.Keys], checkpoint.StateDictKey, true, prefix,
            state.Count, checkpoint.TensorCount, parameters, kind, classes, from, heads, metadata)
        {
            MetadataCount = plain.Count,
            Backbone = backbone,
            BackboneProblem = problem,
        };
    }

    /// <summary>The backbone an adaptseg model file records (absent in older ones: deeplabv2-resnet); null for any other file.</summary>
    private static string? DeclaredBackbone(Checkpoint checkpoint)
    {
        if (!checkpoint.Entries.TryGetValue("format", out object? format) || format as string != ModelPackage.FormatName
            || !checkpoint.Entries.TryGetValue("description", out object? text) || text is not string json)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("backbone", out var backbone) && backbone.ValueKind == System.Text.Json.JsonValueKind.String
                ? backbone.GetString()
                : "deeplabv2-resnet";
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static (string Kind, int? Classes, string? From, List<KeyValuePair<string, long[]>> Heads) Recognise(Dictionary<string, long[]> shapes)
    {
        var heads = shapes
            .Where(kv => (kv.Key.StartsWith("layer5.", StringComparison.Ordinal) || kv.Key.StartsWith("layer6.", StringComparison.Ordinal)) && kv.Key.EndsWith(".weight", StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, long[]>(kv.Key, kv.Value))
            .ToList();
        foreach (string head in (string[])["layer6.conv2d_list.0.weight", "layer5.conv2d_list.0.weight"])
        {
            if (shapes.TryGetValue(head, out long[]? shape) && shape.Length == 4)
            {
                bool multi = head.StartsWith("layer6", StringComparison.Ordinal);
                string depth = shapes.Keys.Any(k => k.StartsWith("layer3.22.", StringComparison.Ordinal)) ? "ResNet-101"
                    : shapes.Keys.Any(k => k.StartsWith("layer3.5.", StringComparison.Ordinal)) ? "ResNet-50" : "ResNet backbone";
                string kind = multi
                    ? $"DeepLab-v2 multi-level ({depth}, heads layer5 and layer6)"
                    : shapes.Keys.Any(k => k.StartsWith("layer1.", StringComparison.Ordinal))
                        ? $"DeepLab-v2 ({depth}, head layer5)"
                        : "DeepLab-v2 head only (layer5)";
                return (kind, (int)shape[0], head, heads);
            }
        }

        if (shapes.TryGetValue("conv1.weight", out long[]? first) && first.Length == 4
            && shapes.TryGetValue("classifier.weight", out long[]? last) && last.Length == 4 && last[0] == 1
            && shapes.ContainsKey("conv4.weight"))
        {
            return ($"FC discriminator (ndf {first[0]})", (int)first[1], "conv1.weight (input channels)",
                [new("conv1.weight", first), new("classifier.weight", last)]);
        }

        return ("not recognised (neither the DeepLab-v2 network nor the FC discriminator)", null, null, heads);
    }

    private static string? CommonPrefix(IEnumerable<string> keys)
    {
        var firsts = keys.Select(k => k.Split('.')[0]).Distinct().ToList();
        return firsts.Count == 1 && !KnownTopModules.Contains(firsts[0]) && keys.All(k => k.Contains('.')) ? firsts[0] + "." : null;
    }

    private static bool IsTensorTree(object? value) => value switch
    {
        Tensor => true,
        IReadOnlyDictionary<string, object?> d => d.Count > 0 && d.Values.All(IsTensorTree),
        _ => false,
    };

    /// <summary>Plain text for a metadata value, cut past <see cref="MaxRendered"/> characters without building the rest.</summary>
    private static string Render(object? value)
    {
        var text = new StringBuilder();
        return Append(text, value) ? text.ToString() : text.ToString(0, MaxRendered) + "... (truncated)";
    }

    /// <summary>Appends Python-like text; false (stopping early) once more than <see cref="MaxRendered"/> characters are written.</summary>
    private static bool Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> dict:
                text.Append('{');
                bool firstKey = true;
                foreach (var (key, item) in dict)
                {
                    text.Append(firstKey ? "" : ", ").Append(Clip(key)).Append(": ");
                    firstKey = false;
                    if (!Append(text, item))
                    {
                        return false;
                    }
                }

                text.Append('}');
                break;
            case IEnumerable list and not string and not byte[] and not Tensor:
                text.Append('[');
                bool firstItem = true;
                foreach (object? item in list)
                {
                    text.Append(firstItem ? "" : ", ");
                    firstItem = false;
                    if (!Append(text, item))
                    {
                        return false;
                    }
                }

                text.Append(']');
                break;
            default:
                text.Append(Clip(Scalar(value)));
                break;
        }

        return text.Length <= MaxRendered;
    }

    private static string Clip(string text) => text.Length > MaxRendered + 1 ? text[..(MaxRendered + 1)] : text;

    private static string Scalar(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Tensor t => $"tensor {t.dtype} [{string.Join(", ", t.shape)}]",
        byte[] bytes => $"{bytes.Length} bytes",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
