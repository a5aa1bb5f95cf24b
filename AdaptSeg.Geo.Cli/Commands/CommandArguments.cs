using AdaptSeg.Geo.Inference;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>Parsing of list-valued options and the mapping of failures to "bad input" (exit 2).</summary>
internal static class CommandArguments
{
    /// <summary>"a,b,c" as a list of trimmed, non-empty names.</summary>
    public static IReadOnlyList<string> ParseNames(string text, string option)
    {
        var names = text.Split(',').Select(n => n.Trim()).ToList();
        if (names.Count == 0 || names.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"{option} '{text}' has an empty name; give names separated by commas, for example water,vegetation,other.");
        }

        return names;
    }

    /// <summary>"1,2,3" as 1-based band numbers.</summary>
    public static IReadOnlyList<int> ParseBands(string text, string option)
    {
        var bands = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), out int band) || band < 1)
            {
                throw new ArgumentException($"{option} '{text}': '{part.Trim()}' is not a band number; give 1-based numbers separated by commas, for example 3,2,1.");
            }

            bands.Add(band);
        }

        return bands;
    }

    /// <summary>The value of --blend: 'hann' or 'center-crop' (also 'centre-crop'), any case.</summary>
    public static BlendMode ParseBlend(string text) => text.ToLowerInvariant() switch
    {
        "hann" => BlendMode.Hann,
        "center-crop" or "centre-crop" => BlendMode.CenterCrop,
        var other => throw new ArgumentException($"--blend '{other}' is not known; use hann or center-crop."),
    };

    /// <summary>The value of --grid: 'input' or 'model', any case.</summary>
    public static PredictionGrid ParseGrid(string text) => text.ToLowerInvariant() switch
    {
        "input" => PredictionGrid.Input,
        "model" => PredictionGrid.Model,
        var other => throw new ArgumentException($"--grid '{other}' is not known; use input or model."),
    };

    /// <summary>
    /// Whether an exception means the user's input, configuration or environment is wrong (exit 2) rather than a bug:
    /// the library's <see cref="AdaptSegInputException"/>s, the missing GDAL library, and the .NET types the BCL
    /// throws for bad arguments and for files that are missing, unreadable, malformed or in use.
    /// </summary>
    public static bool IsBadInput(Exception e) => e is AdaptSegInputException or AdaptSeg.Geo.Raster.Interop.GdalNotFoundException
        or ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException;
}
