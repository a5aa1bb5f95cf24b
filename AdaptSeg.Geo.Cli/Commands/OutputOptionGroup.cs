using System.CommandLine;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>The raster-output options of the verbs that write class masks (predict, mosaic), declared once, and their parsing.</summary>
internal static class OutputOptionGroup
{
    public static readonly Option<bool> Cog = new("--cog")
    {
        Description = "Write the mask (and probabilities) as Cloud Optimized GeoTIFF with overviews (MODE for classes).",
    };

    public static readonly Option<string> Compression = new("--compression")
    {
        Description = "DEFLATE (default) or ZSTD.",
        DefaultValueFactory = _ => "DEFLATE",
    };

    /// <summary>Adds the group to a command.</summary>
    public static void AddTo(Command command)
    {
        command.Add(Cog);
        command.Add(Compression);
    }

    /// <summary>The options given, checked.</summary>
    public static MaskOutputOptions Parse(ParseResult parse)
    {
        var options = new MaskOutputOptions { Cog = parse.GetValue(Cog), Compression = parse.GetValue(Compression)!.ToUpperInvariant() };
        options.Validate();
        return options;
    }
}
