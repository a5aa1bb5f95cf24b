using System.CommandLine;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg mosaic</c>: joins the shards of a sharded prediction into one mask.</summary>
internal sealed class MosaicCommand
{
    private static readonly Option<string> Shards = new("--shards")
    {
        Description = "The --output the shards were predicted with (predict --shard K/N --output out/mask.tif); their manifests out/mask.shard-K-of-N.json are read.",
        Required = true,
    };

    private static readonly Option<string> Output = new("--output")
    {
        Description = "The joined mask: a .vrt (a virtual raster over the shard files, nothing copied) or a GeoTIFF (one file; --cog for a Cloud Optimized GeoTIFF).",
        Required = true,
    };

    private static readonly Option<string?> Probabilities = new("--probabilities")
    {
        Description = "Also join the shards' probability rasters here (predict them with --probabilities).",
    };

    private static readonly Option<string?> Vectors = new("--vectors")
    {
        Description = "Also write class polygons of the joined mask to this GeoPackage (.gpkg): regions cut by shard borders come out whole.",
    };

    private static readonly Option<double> MinArea = new("--min-area")
    {
        Description = "Drop polygons smaller than this area (squared CRS units).",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<double> Simplify = new("--simplify")
    {
        Description = "Simplify polygon outlines with this tolerance (CRS units); 0 keeps the pixel outlines.",
        DefaultValueFactory = _ => 0,
    };

    public static Command Create()
    {
        var command = new Command("mosaic",
            "Join the shards of 'predict --shard K/N' into one mask (GDALBuildVRT; optionally one GeoTIFF/COG). " +
            "Refuses (exit 2) a set with missing, duplicated or mismatched shards, listing them.")
        {
            Shards, Output, Probabilities, Vectors, MinArea, Simplify, CommonOptions.Overwrite,
        };
        OutputOptionGroup.AddTo(command);
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t), "cancelled; no output was written (partial files were removed).")));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        string output = parse.GetValue(Output)!;
        string? probabilities = parse.GetValue(Probabilities);
        string? vectors = parse.GetValue(Vectors);
        MaskOutputOptions maskOptions = OutputOptionGroup.Parse(parse);
        var polygons = new PolygonOptions { MinimumArea = parse.GetValue(MinArea), SimplifyTolerance = parse.GetValue(Simplify) };
        MosaicSummary summary = ShardMosaic.Run(new MosaicRequest
        {
            ShardsOf = parse.GetValue(Shards)!,
            OutputPath = output,
            MaskOptions = maskOptions,
            ProbabilityPath = probabilities,
            VectorPath = vectors,
            VectorOptions = polygons,
            Overwrite = parse.GetValue(CommonOptions.Overwrite),
        }, cancellationToken);

        TextWriter o = parse.Out();
        o.WriteLine($"mask          {summary.MaskPath} ({summary.Width}x{summary.Height}, {summary.Shards} shards)");
        if (summary.ProbabilityPath is not null)
        {
            o.WriteLine($"probabilities {summary.ProbabilityPath}");
        }

        if (summary.VectorPath is not null)
        {
            o.WriteLine($"polygons      {summary.VectorPath} (layer '{ClassPolygonizer.LayerName}')");
        }

        return ExitCodes.Success;
    }
}
