namespace AdaptSeg.Geo.Config;

/// <summary>
/// Names of image bands (channels): the common names of STAC's <c>eo:bands</c> or the user's own. They
/// are matched ignoring case (a band named "NIR" takes a pretrained channel named "nir").
/// </summary>
public static class BandNameRules
{
    /// <summary>
    /// The common names suggested for bands (after STAC's <c>eo:bands</c> common names, with Sentinel-2's
    /// three red-edge bands numbered): any other text is allowed and matched as it is.
    /// </summary>
    public static IReadOnlyList<string> Common { get; } =
        ["coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "nir09", "cirrus", "swir16", "swir22", "pan"];

    /// <summary>Adds a problem at <paramref name="at"/> (a JSON path) for an empty list, an empty name or a name given twice.</summary>
    public static void Check(IReadOnlyList<string> names, string at, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(problems);
        if (names.Count == 0)
        {
            problems.Add($"{at}: give one name per band (for example [\"red\", \"green\", \"blue\"]), or leave it out.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                problems.Add($"{at}[{i}]: a band name must not be empty.");
            }
            else if (!seen.Add(names[i].Trim()))
            {
                problems.Add($"{at}[{i}]: '{names[i]}' is named twice; band names must be unique (case is ignored).");
            }
        }
    }
}
