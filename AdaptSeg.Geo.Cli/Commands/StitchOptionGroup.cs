using System.CommandLine;
using AdaptSeg.Geo.Inference;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>The sliding-window options of the verbs that predict tiles (predict, pseudo-label), declared once, and their parsing.</summary>
internal static class StitchOptionGroup
{
    public static readonly Option<int> TileSize = new("--tile-size")
    {
        Description = "Tile side in pixels of the model's grid (the input resampled to the training pixel size). A tile larger than the raster is clamped to it.",
        DefaultValueFactory = _ => 512,
    };

    public static readonly Option<int?> Overlap = new("--overlap")
    {
        Description = "Overlap between neighbouring tiles in pixels. Default: half the tile (Hann) or an eighth (center-crop).",
    };

    public static readonly Option<string> Blend = new("--blend")
    {
        Description = "How overlapping tiles are combined: 'hann' (2-D Hann window, default) or 'center-crop' (each pixel from the tile whose centre holds it; faster with small overlaps).",
        DefaultValueFactory = _ => "hann",
    };

    public static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Tiles per forward pass.",
        DefaultValueFactory = _ => 4,
    };

    /// <summary>Adds the group to a command.</summary>
    public static void AddTo(Command command)
    {
        command.Add(TileSize);
        command.Add(Overlap);
        command.Add(Blend);
        command.Add(BatchSize);
    }

    /// <summary>The options given; an unset overlap follows the tile size (<see cref="StitchOptions.DefaultOverlap"/>).</summary>
    public static StitchOptions Parse(ParseResult parse)
    {
        int tile = parse.GetValue(TileSize);
        int? overlap = parse.GetValue(Overlap);
        if (tile < 16 || overlap is { } o && (o < 0 || o >= tile))
        {
            throw new ArgumentException($"--tile-size {tile} with --overlap {overlap}: the tile must be at least 16 pixels and the overlap between 0 and the tile size minus one.");
        }

        var stitch = new StitchOptions { TileSize = tile, Blend = CommandArguments.ParseBlend(parse.GetValue(Blend)!), BatchSize = parse.GetValue(BatchSize) };
        stitch = overlap is { } set ? stitch with { Overlap = set } : stitch;
        stitch.Validate();
        return stitch;
    }
}
