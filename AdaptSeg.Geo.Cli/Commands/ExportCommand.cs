using System.CommandLine;
using AdaptSeg.Geo.Models.Onnx;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg export onnx</c>: a trained model as an ONNX graph with Deepness metadata.</summary>
internal sealed class ExportCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint")
    {
        Description = "The trained model (model.pth written by 'adaptseg train').",
        Required = true,
    };

    private static readonly Option<string> Output = new("--output")
    {
        Description = "The .onnx file to write.",
        Required = true,
    };

    private static readonly Option<string> Heads = new("--heads")
    {
        Description = "'main' (default: output 'main', the head prediction uses) or 'both' (also 'aux', the layer3 head).",
        DefaultValueFactory = _ => "main",
    };

    private static readonly Option<int> Opset = new("--opset")
    {
        Description = $"ONNX opset, {OnnxExportOptions.MinimumOpset} to {OnnxExportOptions.MaximumOpset} (IR version is always 8).",
        DefaultValueFactory = _ => OnnxExportOptions.MaximumOpset,
    };

    private static readonly Option<int> TileSize = new("--tile-size")
    {
        Description = "Tile side written for Deepness (tiles_size), in pixels.",
        DefaultValueFactory = _ => 512,
    };

    private static readonly Option<bool> DynamicSize = new("--dynamic-size")
    {
        Description = "Leave the input's height and width symbolic (any tile size) instead of fixing them to --tile-size. QGIS Deepness cannot load such a file.",
    };

    private static readonly Option<int> Overlap = new("--overlap-percent")
    {
        Description = "Tile overlap written for Deepness (tiles_overlap), in percent of the tile (predict's Hann default: 50).",
        DefaultValueFactory = _ => 50,
    };

    private static readonly Option<bool> SourceStatistics = new("--source-statistics")
    {
        Description = "Normalise with the source domain's band statistics instead of the target's (the default, as predict).",
    };

    private static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Replace the output if it exists (otherwise that is an error).",
    };

    private static readonly Option<bool> NoStac = new("--no-stac")
    {
        Description = "Do not write the STAC Item with the machine-learning-model (MLM) extension beside the model (<output>.stac.json).",
    };

    public static Command Create()
    {
        var onnx = new Command("onnx",
            "Write the DeepLab-v2 network as ONNX (IR 8): batch norm folded into the convolutions, bilinear upsampling (align_corners) " +
            "to the input size and softmax inside, so each output is class probabilities. Input 'input': batch x bands x H x W, normalised " +
            "(raw - mean) / std. Metadata for QGIS Deepness (model_type, class_names, seg_thresh, seg_small_segment, tiles_size, tiles_overlap, " +
            "standardization_mean/std) and adaptseg (raw band statistics); a STAC Item with the MLM extension beside it. See docs/onnx.md.")
        {
            Checkpoint, Output, Heads, Opset, TileSize, DynamicSize, Overlap, SourceStatistics, Overwrite, NoStac,
        };
        onnx.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t), "cancelled; no output was written.")));
        return new Command("export", "Export a trained model for other tools: onnx (ONNX Runtime, QGIS Deepness).") { onnx };
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        OnnxHeads heads = parse.GetValue(Heads)!.Trim().ToLowerInvariant() switch
        {
            "main" => OnnxHeads.Main,
            "both" => OnnxHeads.Both,
            var other => throw new ArgumentException($"--heads '{other}' is not known; use main or both."),
        };
        int tile = parse.GetValue(TileSize);
        int overlap = parse.GetValue(Overlap);
        if (tile < 16 || overlap is < 0 or > 99)
        {
            throw new ArgumentException($"--tile-size {tile} / --overlap-percent {overlap}: the tile must be at least 16 pixels and the overlap 0 to 99 percent.");
        }

        OnnxExportSummary summary = OnnxModelExport.Run(new OnnxExportRequest
        {
            CheckpointPath = parse.GetValue(Checkpoint)!,
            OutputPath = parse.GetValue(Output)!,
            Heads = heads,
            Opset = parse.GetValue(Opset),
            TileSize = tile,
            DynamicSize = parse.GetValue(DynamicSize),
            OverlapPercent = overlap,
            UseSourceStatistics = parse.GetValue(SourceStatistics),
            Overwrite = parse.GetValue(Overwrite),
            StacItem = !parse.GetValue(NoStac),
        }, cancellationToken);

        TextWriter o = parse.Out();
        string size = parse.GetValue(DynamicSize) ? "height x width" : $"{tile} x {tile}";
        o.WriteLine($"onnx      {summary.OutputPath} ({summary.Bytes / 1e6:F1} MB, IR {summary.IrVersion}, opset {summary.Opset}, outputs {(heads == OnnxHeads.Both ? "main, aux" : "main")})");
        o.WriteLine($"input     'input': batch x bands x {size}, normalised as (raw - mean) / std (Deepness does it from the metadata)");
        foreach (var (key, value) in summary.Metadata)
        {
            o.WriteLine($"metadata  {key} = {value}");
        }

        if (summary.ResolutionNote is not null)
        {
            o.WriteLine($"note      {summary.ResolutionNote}");
        }

        if (summary.StacItemPath is not null)
        {
            o.WriteLine($"stac      {summary.StacItemPath} (STAC Item, MLM extension)");
        }

        return ExitCodes.Success;
    }
}
