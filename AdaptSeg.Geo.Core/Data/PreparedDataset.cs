using System.Text.Json;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// A prepared folder written by <c>adaptseg prepare</c>: source and target scenes on one grid,
/// their statistics and the class list. <see cref="Load"/> checks everything it describes.
/// </summary>
public sealed record PreparedDataset(string Folder, IReadOnlyList<string> ClassNames, int BandCount, PreparedDomain Source, PreparedDomain Target, string CrsWkt, double PixelSize)
{
    /// <summary>Channel names of the source (for example red, nir, green), the network's input, when the config gave them.</summary>
    public IReadOnlyList<string>? BandNames { get; init; }

    /// <summary>
    /// What the user should know about the band names: a domain whose names are unknown (a pretrained
    /// model.init then maps its channels by position), or a channel named differently in the two domains.
    /// </summary>
    public IReadOnlyList<string> BandNameNotes()
    {
        var notes = new List<string>();
        foreach (PreparedDomain d in new[] { Source, Target }.Where(d => d.BandNames is null))
        {
            notes.Add($"the band names of domain '{d.Name}' are unknown: a pretrained model.init maps its conv1 channels onto them by position. " +
                "Name them with bandNames in the prepare config (red, green, blue, nir, ...).");
        }

        if (Source.BandNames is { } source && Target.BandNames is { } target)
        {
            for (int i = 0; i < Math.Min(source.Count, target.Count); i++)
            {
                if (!string.Equals(source[i].Trim(), target[i].Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    notes.Add($"channel {i + 1} is '{source[i]}' in the source but '{target[i]}' in the target: the network takes them as one input; " +
                        "check the band maps if they should be the same band.");
                }
            }
        }

        return notes;
    }

    /// <summary>The tile size the tile index was made with.</summary>
    public int TileSize { get; init; }

    /// <summary>Absolute path of the tile index GeoJSON.</summary>
    public string TileIndexPath { get; init; } = "";

    /// <summary>The EPSG code of the grid CRS, when known.</summary>
    public int? Epsg { get; init; }

    /// <summary>
    /// Reads <c>prepared.json</c> and <c>statistics.json</c> from <paramref name="folder"/> and checks
    /// that every raster exists, opens, and has the size and band count the manifest says.
    /// Throws <see cref="PreparedDatasetException"/> naming the file and what to do.
    /// </summary>
    public static PreparedDataset Load(string folder)
    {
        var (root, m, stats, manifestPath, statisticsPath) = ReadManifest(folder);
        return new PreparedDataset(root, m.Classes, m.BandCount,
            Domain(root, m.Source, stats.Source, m.BandCount, m.BandNames, manifestPath, statisticsPath, evaluationOnly: false),
            Domain(root, m.Target, stats.Target, m.BandCount, m.BandNames, manifestPath, statisticsPath, evaluationOnly: true),
            m.Grid.CrsWkt, m.Grid.PixelSize)
        {
            BandNames = m.BandNames,
            TileSize = m.TileSize,
            TileIndexPath = Resolve(root, m.TileIndex, manifestPath),
            Epsg = m.Grid.Epsg,
        };
    }

    /// <summary>
    /// The target domain of the prepared folder with its images only, for jobs that must not see
    /// labels (int8 calibration): reads <c>prepared.json</c> and <c>statistics.json</c> and checks the
    /// target images as <see cref="Load"/> does, but opens no label file of either domain; the
    /// scenes returned carry no label paths.
    /// </summary>
    public static PreparedDomain LoadTargetImages(string folder)
    {
        var (root, m, stats, manifestPath, statisticsPath) = ReadManifest(folder);
        return Domain(root, m.Target, stats.Target, m.BandCount, m.BandNames, manifestPath, statisticsPath, evaluationOnly: true, withLabels: false);
    }

    private static (string Root, PreparedManifest Manifest, StatisticsFile Statistics, string ManifestPath, string StatisticsPath) ReadManifest(string folder)
    {
        string root = System.IO.Path.GetFullPath(folder);
        string manifestPath = System.IO.Path.Combine(root, PreparedManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new PreparedDatasetException($"'{root}' is not a prepared folder: '{PreparedManifest.FileName}' is missing. Create it with 'adaptseg prepare --out {folder} ...'.", manifestPath);
        }

        PreparedManifest m = ReadJson<PreparedManifest>(manifestPath);
        if (m.Format != PreparedManifest.FormatName || m.Version != PreparedManifest.CurrentVersion)
        {
            throw new PreparedDatasetException($"'{manifestPath}' is format '{m.Format}' version {m.Version}; this build reads '{PreparedManifest.FormatName}' version {PreparedManifest.CurrentVersion}. Run 'adaptseg prepare' again.", manifestPath);
        }

        Require(m.Classes.Count > 0, manifestPath, "lists no classes");
        Require(m.BandCount > 0, manifestPath, "has bandCount 0");
        Require(m.Grid.PixelSize > 0, manifestPath, "has a non-positive pixel size");
        Require(new[] { m.BandNames, m.Source.BandNames, m.Target.BandNames }.All(n => n is null || n.Count == m.BandCount), manifestPath,
            $"names a number of bands other than its bandCount {m.BandCount}");
        string statisticsPath = Resolve(root, m.Statistics, manifestPath);
        Require(File.Exists(statisticsPath), statisticsPath, "is missing");
        StatisticsFile stats = ReadJson<StatisticsFile>(statisticsPath);
        return (root, m, stats, manifestPath, statisticsPath);
    }

    /// <summary>One domain, its rasters checked; its band names are its own or, when it has none, <paramref name="bandNames"/> (the manifest's).</summary>
    private static PreparedDomain Domain(string root, ManifestDomain d, DomainStatistics s, int bandCount, IReadOnlyList<string>? bandNames, string manifestPath, string statisticsPath,
        bool evaluationOnly, bool withLabels = true)
    {
        Require(s.Name == d.Name, statisticsPath, $"holds statistics for domain '{s.Name}' where '{d.Name}' was expected");
        Require(s.Mean.Length == bandCount && s.Std.Length == bandCount, statisticsPath, $"has {s.Mean.Length} means and {s.Std.Length} stds for {bandCount} bands");
        Require(s.Std.All(v => v >= 0 && double.IsFinite(v)) && s.Mean.All(double.IsFinite), statisticsPath, "holds a non-finite or negative value");
        Require(d.Scenes.Count > 0, manifestPath, $"lists no scene for domain '{d.Name}'");
        var scenes = new List<PreparedScene>();
        foreach (ManifestScene scene in d.Scenes)
        {
            string image = Resolve(root, scene.Image, manifestPath);
            string? labels = withLabels && scene.Labels is not null ? Resolve(root, scene.Labels, manifestPath) : null;
            CheckRaster(image, scene.Width, scene.Height, bandCount);
            if (labels is not null)
            {
                CheckRaster(labels, scene.Width, scene.Height, 1);
            }

            string? training = withLabels && scene.TrainingLabels is not null ? Resolve(root, scene.TrainingLabels, manifestPath) : null;
            if (training is not null)
            {
                CheckRaster(training, scene.Width, scene.Height, 1);
            }

            scenes.Add(new PreparedScene(scene.Name, image, labels, scene.Width, scene.Height) { TrainingLabelPath = training });
        }

        return new PreparedDomain(d.Name, scenes, new BandStatistics(s.Mean, s.Std) { ValidPixels = s.ValidPixels })
        {
            LabelsForEvaluationOnly = evaluationOnly,
            BandNames = d.BandNames ?? bandNames,
        };
    }

    private static void CheckRaster(string path, int width, int height, int bands)
    {
        Require(File.Exists(path), path, "is missing");
        try
        {
            using GdalDataset ds = GdalDataset.Open(path);
            Require(ds.Width == width && ds.Height == height && ds.BandCount == bands, path,
                $"is {ds.Width}x{ds.Height} with {ds.BandCount} band(s), but the manifest says {width}x{height} with {bands}");
        }
        catch (GdalException e)
        {
            throw new PreparedDatasetException($"'{path}' cannot be opened ({e.Message}); run 'adaptseg prepare' again.", path, e);
        }
    }

    private static T ReadJson<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), PreparedManifest.Json)
                ?? throw new PreparedDatasetException($"'{path}' is empty (null); run 'adaptseg prepare' again.", path);
        }
        catch (JsonException e)
        {
            throw new PreparedDatasetException($"'{path}' is not a valid {System.IO.Path.GetFileName(path)} ({e.Path}: {e.Message}); run 'adaptseg prepare' again.", path, e);
        }
    }

    private static string Resolve(string root, string relative, string manifestPath)
    {
        string full = System.IO.Path.GetFullPath(relative, root);
        Require(full.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal), manifestPath, $"points outside the prepared folder ('{relative}')");
        return full;
    }

    private static void Require(bool condition, string path, string problem)
    {
        if (!condition)
        {
            throw new PreparedDatasetException($"'{path}' {problem}. The prepared folder is damaged or from another version; run 'adaptseg prepare' again.", path);
        }
    }
}
