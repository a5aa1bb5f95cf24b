using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AdaptSeg.Geo.Config;

/// <summary>
/// Reads and validates <see cref="PrepareConfig"/> JSON. All problems are collected and thrown
/// together as a <see cref="PrepareConfigException"/>, each with its JSON path.
/// </summary>
public static partial class PrepareConfigReader
{
    /// <summary>The serializer settings: camelCase, unknown keys are errors, comments allowed.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a config file; relative paths are resolved against its folder.</summary>
    public static PrepareConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new PrepareConfigException(path, [$"$: the config file does not exist. Check the path (see sample-configs/prepare-olinda-to-cbers.json)."]);
        }

        string full = System.IO.Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), System.IO.Path.GetDirectoryName(full)!, full);
    }

    /// <summary>Parses config text; <paramref name="baseFolder"/> anchors relative paths.</summary>
    public static PrepareConfig Parse(string json, string baseFolder, string? sourceName = null)
    {
        var problems = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PrepareConfigException(sourceName, [$"$: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}"]);
        }

        using (document)
        {
            JsonShapeChecker.Check(document.RootElement, typeof(PrepareConfig), "$", nullable: false, problems);
            if (problems.Count > 0)
            {
                throw new PrepareConfigException(sourceName, problems);
            }
        }

        PrepareConfig config;
        try
        {
            config = JsonSerializer.Deserialize<PrepareConfig>(json, Options)!;
        }
        catch (JsonException e)
        {
            throw new PrepareConfigException(sourceName, [$"{e.Path ?? "$"}: {e.Message}"]);
        }

        config = ResolvePaths(config, baseFolder);
        ThrowIfInvalid(config, sourceName);
        return config;
    }

    /// <summary>Makes every relative path in <paramref name="config"/> absolute against <paramref name="baseFolder"/>.</summary>
    public static PrepareConfig ResolvePaths(PrepareConfig config, string baseFolder)
    {
        string? Abs(string? p) => string.IsNullOrWhiteSpace(p) ? p : System.IO.Path.GetFullPath(p, baseFolder);
        DomainConfig Domain(DomainConfig d) => d with
        {
            Scenes = d.Scenes.Select(s => s with { Image = Abs(s.Image)!, Labels = Abs(s.Labels), TrainingLabels = Abs(s.TrainingLabels) }).ToArray(),
        };
        return config with { Aoi = Abs(config.Aoi), Source = Domain(config.Source), Target = Domain(config.Target) };
    }

    /// <summary>Throws a <see cref="PrepareConfigException"/> listing every problem of an already-parsed config.</summary>
    public static void ThrowIfInvalid(PrepareConfig config, string? sourceName = null)
    {
        IReadOnlyList<string> problems = Validate(config);
        if (problems.Count > 0)
        {
            throw new PrepareConfigException(sourceName, problems);
        }
    }

    /// <summary>Every semantic problem of the config (classes, names, band maps, files), with JSON paths.</summary>
    public static IReadOnlyList<string> Validate(PrepareConfig config)
    {
        var problems = new List<string>();
        if (config.Classes.Count is 0 or > 255)
        {
            problems.Add($"$.classes: give between 1 and 255 class names (label value i is class i; 255 is ignore); found {config.Classes.Count}.");
        }

        for (int i = 0; i < config.Classes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(config.Classes[i]))
            {
                problems.Add($"$.classes[{i}]: a class name must not be empty.");
            }
            else if (config.Classes.Take(i).Contains(config.Classes[i], StringComparer.Ordinal))
            {
                problems.Add($"$.classes[{i}]: '{config.Classes[i]}' is listed twice.");
            }
        }

        if (config.TileSize is < 16 or > 8192)
        {
            problems.Add($"$.tileSize: {config.TileSize} is out of range; use 16..8192 (256 is typical).");
        }

        if (config.Grid?.PixelSize is double ps && !(ps > 0 && double.IsFinite(ps)))
        {
            problems.Add($"$.grid.pixelSize: {ps} must be a positive number in the grid CRS's units (metres for UTM).");
        }

        if (config.Aoi is string aoi && !File.Exists(aoi))
        {
            problems.Add($"$.aoi: '{aoi}' does not exist.");
        }

        CheckDomain(config.Source, "$.source", labelsRequired: true, config.Classes, problems);
        CheckDomain(config.Target, "$.target", labelsRequired: false, config.Classes, problems);
        if (config.Source.Name == config.Target.Name)
        {
            problems.Add($"$.target.name: the source and target domains are both named '{config.Source.Name}'; give them different names.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((SceneConfig scene, string path) in Scenes(config))
        {
            if (!names.Add(scene.Name))
            {
                problems.Add($"{path}.name: scene name '{scene.Name}' is used twice; scene names must be unique (they name the output files).");
            }
        }

        var bandCounts = Scenes(config).Select(s => (s.Scene.Bands.Count, s.Path)).ToList();
        if (bandCounts.Count > 0 && bandCounts.Any(b => b.Count != bandCounts[0].Count))
        {
            problems.Add("band map mismatch between scenes/domains: every scene must feed the same number of channels in the same order; found " +
                string.Join(", ", bandCounts.Select(b => $"{b.Path}.bands has {b.Count}")) + ". Fix the band lists (for example Landsat 3,4,2 and CBERS 1,2,3 for red, NIR, green).");
        }

        foreach (var (bandNames, at) in new[] { (config.BandNames, "$.bandNames"), (config.Source.BandNames, "$.source.bandNames"), (config.Target.BandNames, "$.target.bandNames") })
        {
            if (bandNames is null)
            {
                continue;
            }

            BandNameRules.Check(bandNames, at, problems);
            if (bandCounts.Count > 0 && bandNames.Count != bandCounts[0].Count)
            {
                problems.Add($"{at}: {bandNames.Count} name(s) for {bandCounts[0].Count} channel(s); give one name per band of the band maps.");
            }
        }

        return problems;
    }

    private static IEnumerable<(SceneConfig Scene, string Path)> Scenes(PrepareConfig config) =>
        config.Source.Scenes.Select((s, i) => (s, $"$.source.scenes[{i}]"))
            .Concat(config.Target.Scenes.Select((s, i) => (s, $"$.target.scenes[{i}]")));

    private static void CheckDomain(DomainConfig domain, string path, bool labelsRequired, IReadOnlyList<string> classes, List<string> problems)
    {
        if (!IsSafeName(domain.Name))
        {
            problems.Add($"{path}.name: '{Printable(domain.Name)}' must be letters, digits, '-', '_' or '.', and not '.' or '..' (it names a folder inside PreparationOptions.OutputFolder).");
        }

        if (domain.Scenes.Count == 0)
        {
            problems.Add($"{path}.scenes: a domain needs at least one scene.");
        }

        for (int i = 0; i < domain.Scenes.Count; i++)
        {
            SceneConfig s = domain.Scenes[i];
            string p = $"{path}.scenes[{i}]";
            if (!IsSafeName(s.Name))
            {
                problems.Add($"{p}.name: '{Printable(s.Name)}' must be letters, digits, '-', '_' or '.', and not '.' or '..' (it names output files inside PreparationOptions.OutputFolder).");
            }

            if (s.Image?.Contains('\uFFFD', StringComparison.Ordinal) == true || s.Labels?.Contains('\uFFFD', StringComparison.Ordinal) == true)
            {
                problems.Add($"{p}: '{s.Image}' / '{s.Labels}' is not valid UTF-8 (undecodable bytes show as U+FFFD); save the config as UTF-8 and give the file names in UTF-8.");
            }
            else if (!File.Exists(s.Image))
            {
                problems.Add($"{p}.image: '{s.Image}' does not exist.");
            }

            if (s.Bands.Count == 0)
            {
                problems.Add($"{p}.bands: give at least one band number, for example [3, 4, 2].");
            }

            for (int b = 0; b < s.Bands.Count; b++)
            {
                if (s.Bands[b] < 1)
                {
                    problems.Add($"{p}.bands[{b}]: band numbers start at 1; found {s.Bands[b]}.");
                }
            }

            if (s.Labels is null)
            {
                if (labelsRequired)
                {
                    problems.Add($"{p}.labels: the source domain is the labelled one; give each source scene a label raster or vector file.");
                }
            }
            else if (!File.Exists(s.Labels))
            {
                problems.Add($"{p}.labels: '{s.Labels}' does not exist.");
            }
            else if (SceneConfig.IsVectorFile(s.Labels) && string.IsNullOrWhiteSpace(s.LabelField))
            {
                problems.Add($"{p}.labelField: '{s.Labels}' holds vectors; name the field with the class index or name (one of {string.Join(", ", classes)}).");
            }

            CheckTrainingLabels(s, p, labelsRequired, problems);
        }
    }

    /// <summary>Training labels belong to target scenes only, and are rasters (pseudo-labels).</summary>
    private static void CheckTrainingLabels(SceneConfig s, string p, bool isSource, List<string> problems)
    {
        if (s.TrainingLabels is null)
        {
            return;
        }

        if (isSource)
        {
            problems.Add($"{p}.trainingLabels: source scenes train on their 'labels'; 'trainingLabels' (pseudo-labels) belongs to target scenes.");
        }
        else if (!File.Exists(s.TrainingLabels))
        {
            problems.Add($"{p}.trainingLabels: '{s.TrainingLabels}' does not exist. Write it with 'adaptseg pseudo-label --output {s.TrainingLabels} ...'.");
        }
        else if (SceneConfig.IsVectorFile(s.TrainingLabels))
        {
            problems.Add($"{p}.trainingLabels: '{s.TrainingLabels}' holds vectors; training labels are a uint8 raster (255 = ignore), as 'adaptseg pseudo-label' writes.");
        }
        else if (s.Labels is not null && string.Equals(System.IO.Path.GetFullPath(s.Labels), System.IO.Path.GetFullPath(s.TrainingLabels), StringComparison.Ordinal))
        {
            problems.Add($"{p}.trainingLabels: '{s.TrainingLabels}' is also the scene's evaluation 'labels'; training on the labels that score the model would make the score meaningless.");
        }
    }

    /// <summary>
    /// Whether a domain or scene name may become a file name: 1..100 of letters, digits, '-', '_'
    /// and '.', so no separator or control character, and not '.' or '..' (which would leave --out).
    /// </summary>
    public static bool IsSafeName(string? name) => name is not null && SafeName().IsMatch(name) && name is not "." and not "..";

    /// <summary>A name with control characters shown as \uXXXX, so a message cannot be garbled by it.</summary>
    private static string Printable(string? name) =>
        name is null ? "(null)" : string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex SafeName();
}
