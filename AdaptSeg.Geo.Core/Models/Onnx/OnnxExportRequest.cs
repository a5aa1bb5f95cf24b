namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>What <see cref="OnnxModelExport.Run"/> exports, and where to.</summary>
public sealed record OnnxExportRequest
{
    /// <summary>The model.pth written by <c>adaptseg train</c>.</summary>
    public required string CheckpointPath { get; init; }

    /// <summary>The .onnx file to write (under a temporary name until complete).</summary>
    public required string OutputPath { get; init; }

    public OnnxHeads Heads { get; init; } = OnnxHeads.Main;

    public int Opset { get; init; } = OnnxExportOptions.MaximumOpset;

    /// <summary>Tile side recorded for Deepness (<c>tiles_size</c>); adaptseg predict's default is 512.</summary>
    public int TileSize { get; init; } = 512;

    /// <summary>
    /// Symbolic input height and width (any tile size) instead of fixing them to <see cref="TileSize"/>.
    /// Deepness cannot load such a file; ONNX Runtime and <c>predict</c> can.
    /// </summary>
    public bool DynamicSize { get; init; }

    /// <summary>Tile overlap in percent recorded for Deepness (<c>tiles_overlap</c>); adaptseg predict's Hann default is 50.</summary>
    public int OverlapPercent { get; init; } = 50;

    /// <summary>Normalise with the source domain's statistics instead of the target's (as <c>predict</c>).</summary>
    public bool UseSourceStatistics { get; init; }

    /// <summary>Write the STAC Item with the MLM extension beside the model (<see cref="OnnxStacItem"/>, <c>model.stac.json</c>).</summary>
    public bool StacItem { get; init; } = true;

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }
}
