using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Experiments;

/// <summary>The bundled sample pair (sample-data/, sample-configs/) that the demo and the comparison use.</summary>
public static class SampleData
{
    /// <summary>The sample prepare configuration, relative to the repository.</summary>
    public static readonly string PrepareConfig = Path.Combine("sample-configs", "prepare-olinda-to-cbers.json");

    /// <summary>The sample experiment (the light network), relative to the repository.</summary>
    public static readonly string Experiment = Path.Combine("sample-configs", "landcover-demo.json");

    /// <summary>Whether <paramref name="folder"/> holds the samples.</summary>
    public static bool Holds(string folder) => File.Exists(Path.Combine(folder, Experiment)) && Directory.Exists(Path.Combine(folder, "sample-data"));

    /// <summary>
    /// <paramref name="given"/> when it holds the samples, else the first folder holding them above the current
    /// folder or the program's.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder; the message says what was looked for.</exception>
    public static string Find(string? given)
    {
        if (given is not null)
        {
            return Holds(given) ? Path.GetFullPath(given)
                : throw new DirectoryNotFoundException($"'{given}' holds no {Experiment} and sample-data/; give the repository's folder.");
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Holds(dir.FullName))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"The sample data ({Experiment} and sample-data/) were not found above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'; run from the repository or name it.");
    }

    /// <summary>Prepares the sample pair into <paramref name="folder"/> (replacing an earlier prepared output there).</summary>
    public static PreparedDataset Prepare(string repository, string folder, IProgress<PrepareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string config = Path.Combine(repository, PrepareConfig);
        return DatasetPreparation.Run(new PreparationOptions
        {
            Config = PrepareConfigReader.Load(config),
            ConfigPath = config,
            OutputFolder = folder,
            Overwrite = true,
        }, progress, cancellationToken);
    }
}
