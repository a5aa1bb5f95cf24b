using System.Text.RegularExpressions;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// The simplest dataset: one labelled source scene and one target scene (what <c>adaptseg prepare</c> takes as
/// options instead of a config file). <see cref="ToPrepareConfig"/> makes the complete <see cref="PrepareConfig"/>.
/// </summary>
public sealed partial record ScenePair
{
    /// <summary>The source image.</summary>
    public required string SourceImage { get; init; }

    /// <summary>The source image's bands (1-based) in channel order.</summary>
    public required IReadOnlyList<int> SourceBands { get; init; }

    /// <summary>The source labels: a raster or vectors.</summary>
    public required string SourceLabels { get; init; }

    /// <summary>For vector labels: the field holding the class index or name.</summary>
    public string? SourceLabelField { get; init; }

    /// <summary>The target image.</summary>
    public required string TargetImage { get; init; }

    /// <summary>The target image's bands (1-based), in the same channel order as the source's.</summary>
    public required IReadOnlyList<int> TargetBands { get; init; }

    /// <summary>Target labels, used only to score.</summary>
    public string? TargetLabels { get; init; }

    /// <summary>Class names in label order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Names of the channels (STAC common names where they apply), or null.</summary>
    public IReadOnlyList<string>? BandNames { get; init; }

    /// <summary>
    /// The pair as a prepare configuration: domains "source" and "target", one scene each, named after the
    /// image files (letters, digits, '.', '_' and '-' kept, at most 100 characters); paths made absolute.
    /// </summary>
    public PrepareConfig ToPrepareConfig()
    {
        static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
        return new PrepareConfig
        {
            Classes = Classes,
            BandNames = BandNames,
            Source = new DomainConfig
            {
                Name = "source",
                Scenes = [new SceneConfig { Name = SceneName(SourceImage, "source"), Image = Full(SourceImage)!, Bands = SourceBands, Labels = Full(SourceLabels), LabelField = SourceLabelField }],
            },
            Target = new DomainConfig
            {
                Name = "target",
                Scenes = [new SceneConfig { Name = SceneName(TargetImage, "target"), Image = Full(TargetImage)!, Bands = TargetBands, Labels = Full(TargetLabels) }],
            },
        };
    }

    /// <summary>A scene name from an image path: "<paramref name="fallback"/>-stem", unsafe characters replaced by '_'.</summary>
    public static string SceneName(string path, string fallback)
    {
        string stem = UnsafeChars().Replace(Path.GetFileNameWithoutExtension(path), "_");
        return stem.Length == 0 ? fallback : $"{fallback}-{stem}"[..Math.Min(100, fallback.Length + 1 + stem.Length)];
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeChars();
}
