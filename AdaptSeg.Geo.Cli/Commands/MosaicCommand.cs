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

    private static readonly Option<bool> Cog = new("--cog")
    {
        Description = "Write the joined mask (and probabilities) as Cloud Optimized GeoTIFF with overviews.",
    };

    private static readonly Option<string> Compression = new("--compression")
    {
        Description = "DEFLATE (default) or ZSTD.",
        DefaultValueFactory = _ => "DEFLATE",
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

    private static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Replace outputs that already exist (otherwise that is an error).",
    };

    public static Command Create()
    {
        var command = new Command("mosaic",
            "Join the shards of 'predict --shard K/N' into one mask (GDALBuildVRT; optionally one GeoTIFF/COG). " +
            "Refuses (exit 2) a set with missing, duplicated or mismatched shards, listing them.")
        {
            Shards, Output, Cog, Compression, Probabilities, Vectors, MinArea, Simplify, Overwrite,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t), "cancelled; no output was written (partial files were removed).")));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        string output = parse.GetValue(Output)!;
        string? probabilities = parse.GetValue(Probabilities);
        string? vectors = parse.GetValue(Vectors);
        if (vectors is not null && !vectors.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--vectors '{vectors}' must be a GeoPackage file ending in .gpkg.");
        }

        var outputs = new[] { output, probabilities, vectors }.OfType<string>().Select(Path.GetFullPath).ToList();
        if (outputs.Distinct().Count() != outputs.Count)
        {
            throw new ArgumentException("--output, --probabilities and --vectors must be different files.");
        }

        if (!parse.GetValue(Overwrite) && outputs.FirstOrDefault(File.Exists) is { } existing)
        {
            throw new IOException($"'{existing}' already exists; choose another name or add --overwrite.");
        }

        var maskOptions = new MaskOutputOptions { Cog = parse.GetValue(Cog), Compression = parse.GetValue(Compression)!.ToUpperInvariant() };
        var polygons = new PolygonOptions { MinimumArea = parse.GetValue(MinArea), SimplifyTolerance = parse.GetValue(Simplify) };
        polygons.Validate();
        MosaicSummary summary = ShardMosaic.Run(new MosaicRequest
        {
            ShardsOf = parse.GetValue(Shards)!,
            OutputPath = output,
            MaskOptions = maskOptions,
            ProbabilityPath = probabilities,
            VectorPath = vectors,
            VectorOptions = polygons,
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
