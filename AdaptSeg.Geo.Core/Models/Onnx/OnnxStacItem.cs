using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// The STAC Item <c>export onnx</c> writes beside the model (<c>model.onnx</c> → <c>model.stac.json</c>),
/// with the machine-learning-model extension (MLM v1.5.2, STAC 1.0.0): <c>mlm:input</c> with the
/// bands, <c>value_scaling</c> (z-score with the statistics the network was trained with, per band)
/// and <c>dim_order</c>; <c>mlm:output</c> per exported head with its classes; the .onnx as the asset
/// with role <c>mlm:model</c>, artifact type <c>onnx</c> and the bands as <c>eo:bands</c> (eo v1.1.0,
/// common names where a band name is one).
/// </summary>
public static partial class OnnxStacItem
{
    public const string StacVersion = "1.0.0";
    public const string MlmExtension = "https://stac-extensions.github.io/mlm/v1.5.2/schema.json";
    public const string EoExtension = "https://stac-extensions.github.io/eo/v1.1.0/schema.json";
    public const string ClassificationExtension = "https://stac-extensions.github.io/classification/v1.1.0/schema.json";

    /// <summary>The eo extension's common band names (v1.1.0).</summary>
    private static readonly HashSet<string> CommonNames = new(StringComparer.Ordinal)
    {
        "coastal", "blue", "green", "red", "rededge", "yellow", "pan", "nir", "nir08", "nir09", "cirrus", "swir16", "swir22", "lwir", "lwir11", "lwir12",
    };

    /// <summary>Where the Item of <paramref name="modelPath"/> goes: the model's path with <c>.stac.json</c> for its extension.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(Path.GetFullPath(modelPath), ".stac.json");

    /// <summary>The Item's JSON for the exported model.</summary>
    /// <param name="modelPath">The .onnx file's final path.</param>
    /// <param name="itemPath">The Item's final path (the model's href is relative to it).</param>
    /// <param name="description">What model.pth records (classes, bands, architecture).</param>
    /// <param name="statistics">The statistics the graph's input is normalised with.</param>
    /// <param name="statisticsDomain">"target" or "source".</param>
    /// <param name="heads">The outputs exported.</param>
    /// <param name="inputSize">Fixed tile size, or null for symbolic height and width.</param>
    /// <param name="created">When it was exported.</param>
    public static string Build(string modelPath, string itemPath, ModelDescription description, BandStatistics statistics, string statisticsDomain,
        OnnxHeads heads, int? inputSize, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(statistics);
        string stem = Path.GetFileNameWithoutExtension(modelPath);
        string when = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        int bands = description.InputBands;
        int size = inputSize ?? -1;
        bool named = description.BandNames is { } names && names.Count == bands;
        double[] std = statistics.FlooredStd(); // the floor the predictors use

        var scaling = new JsonArray();
        for (int b = 0; b < bands; b++)
        {
            scaling.Add(new JsonObject { ["type"] = "z-score", ["mean"] = statistics.Mean[b], ["stddev"] = std[b] });
        }

        var input = new JsonObject
        {
            ["name"] = DeepLabOnnxExporter.InputName,
            ["description"] = $"{bands} band(s) in this order, each normalised as (raw - mean) / stddev with the {statisticsDomain} domain's statistics (value_scaling); " +
                              "nodata should be given the band mean (a normalised 0), as adaptseg predict does.",
            ["bands"] = named ? new JsonArray([.. description.BandNames!.Select(n => (JsonNode)n)]) : new JsonArray(),
            ["input"] = new JsonObject
            {
                ["shape"] = new JsonArray(-1, bands, size, size),
                ["dim_order"] = new JsonArray("batch", named ? "bands" : "channel", "height", "width"),
                ["data_type"] = "float32",
            },
            ["value_scaling"] = scaling,
            ["resize_type"] = null,
        };

        var outputs = new JsonArray { Output(DeepLabOnnxExporter.MainOutputName, "main head (layer6 on layer4): what prediction uses", description, size) };
        if (heads == OnnxHeads.Both)
        {
            outputs.Add(Output(DeepLabOnnxExporter.AuxOutputName, "auxiliary head (layer5 on layer3)", description, size));
        }

        var properties = new JsonObject
        {
            ["datetime"] = when,
            ["created"] = when,
            ["description"] = $"DeepLab-v2 multi-level network (AdaptSegNet), blocks [{string.Join(", ", description.Blocks)}], width {description.Width}, " +
                              $"{description.Classes.Count} classes, trained by adaptseg ({description.TrainingMode ?? "mode not recorded"}, {description.Iterations} iterations), exported to ONNX.",
            ["mlm:name"] = MlmName(stem),
            ["mlm:architecture"] = "DeepLab-v2 ResNet (multi-level, AdaptSegNet)",
            ["mlm:tasks"] = new JsonArray("semantic-segmentation"),
            ["mlm:framework"] = "ONNX",
            ["mlm:input"] = new JsonArray(input),
            ["mlm:output"] = outputs,
        };

        var model = new JsonObject
        {
            ["href"] = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(itemPath))!, Path.GetFullPath(modelPath)).Replace('\\', '/'),
            ["type"] = "application/octet-stream; framework=onnx; profile=onnx",
            ["title"] = "ONNX model (IR 8), written by adaptseg export onnx",
            ["roles"] = new JsonArray("mlm:model", "model", "data"),
            ["mlm:artifact_type"] = "onnx",
        };
        if (named)
        {
            model["eo:bands"] = new JsonArray([.. description.BandNames!.Select(n => (JsonNode)(CommonNames.Contains(n.ToLowerInvariant())
                ? new JsonObject { ["name"] = n, ["common_name"] = n.ToLowerInvariant() }
                : new JsonObject { ["name"] = n }))]);
        }

        var extensions = new JsonArray(MlmExtension, ClassificationExtension);
        if (named)
        {
            extensions.Add(EoExtension);
        }

        var item = new JsonObject
        {
            ["type"] = "Feature",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = extensions,
            ["id"] = stem,
            ["geometry"] = null,
            ["properties"] = properties,
            ["links"] = new JsonArray(),
            ["assets"] = new JsonObject { ["model"] = model },
        };
        return item.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Output(string name, string what, ModelDescription description, int size)
    {
        ClassLegend legend = ClassLegend.FromNames(description.Classes);
        return new JsonObject
        {
            ["name"] = name,
            ["description"] = $"Softmax class probabilities of the {what}, at the input's height and width; the class is the argmax over the channels.",
            ["tasks"] = new JsonArray("semantic-segmentation"),
            ["result"] = new JsonObject
            {
                ["shape"] = new JsonArray(-1, description.Classes.Count, size, size),
                ["dim_order"] = new JsonArray("batch", "channel", "height", "width"),
                ["data_type"] = "float32",
            },
            ["classification:classes"] = new JsonArray([.. legend.Entries.Select(e => (JsonNode)new JsonObject
            {
                ["value"] = e.Value,
                ["name"] = e.Name,
                ["description"] = e.Name,
                ["color_hint"] = $"{e.Red:X2}{e.Green:X2}{e.Blue:X2}",
            })]),
            ["post_processing_function"] = null,
        };
    }

    /// <summary>A name MLM accepts (a letter, then letters, digits, '_', '.', '-', spaces, ending in a letter or digit).</summary>
    private static string MlmName(string stem)
    {
        string name = InvalidNameCharacters().Replace(stem, "-").Trim('-', '.', '_', ' ');
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            name = "adaptseg-" + name;
        }

        return name.Length >= 3 && char.IsAsciiLetterOrDigit(name[^1]) ? name : name.TrimEnd('-', '.', '_', ' ') + "-model";
    }

    [GeneratedRegex("[^A-Za-z0-9_.\\- ]")]
    private static partial Regex InvalidNameCharacters();
}
