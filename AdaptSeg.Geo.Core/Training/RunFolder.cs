using System.Globalization;
using AdaptSeg.Geo.Runtime;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// The rules of a training run folder: a folder that already holds a run (a log, checkpoints or a
/// model) is continued (resume) or moved aside as a whole (restart), never trained over; the files
/// a run writes never replace one of its inputs (the user's experiment file may well be
/// <c>&lt;run&gt;/config.json</c>), and moving a run aside never moves or deletes an input.
/// </summary>
public static class RunFolder
{
    /// <summary>The file the effective configuration goes to, unless that is an input.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>Where the effective configuration goes when <see cref="ConfigFileName"/> is the user's own file.</summary>
    public const string EffectiveConfigFileName = "config.effective.json";

    /// <summary>What a run writes into its folder (besides its TensorBoard event files, <see cref="TensorBoardLog.FilePrefix"/>*).</summary>
    public static IReadOnlyList<string> Artefacts { get; } = ["checkpoints", "log.jsonl", "losses.png", "quicklook.png", "model.pth", ConfigFileName, EffectiveConfigFileName];

    /// <summary>Whether <paramref name="folder"/> holds (part of) a training run: a log, a checkpoint or a model.</summary>
    public static bool HoldsRun(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string checkpoints = Path.Combine(folder, "checkpoints");
        return File.Exists(Path.Combine(folder, "log.jsonl"))
            || File.Exists(Path.Combine(folder, "model.pth"))
            || (Directory.Exists(checkpoints) && Directory.EnumerateFileSystemEntries(checkpoints).Any());
    }

    /// <summary>
    /// Moves the run in <paramref name="folder"/> (its <see cref="Artefacts"/>, but none of
    /// <paramref name="inputs"/>) into a new sibling folder <c>NAME.previous-YYYYMMDD-HHMMSS</c>, and
    /// returns that folder. Nothing is deleted.
    /// </summary>
    public static string MoveAside(string folder, IEnumerable<string> inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(inputs);
        var protectedInputs = inputs.ToList();
        string full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string aside = $"{full}.previous-{stamp}";
        for (int n = 2; Directory.Exists(aside) || File.Exists(aside); n++)
        {
            aside = $"{full}.previous-{stamp}-{n}";
        }

        Directory.CreateDirectory(aside);
        foreach (string name in Artefacts.Concat(TensorBoardLog.EventFiles(full).Select(Path.GetFileName).OfType<string>()))
        {
            string path = Path.Combine(full, name);
            if (protectedInputs.Any(i => FileIdentity.Same(i, path) || FileIdentity.IsInside(i, path)))
            {
                continue; // the user's own file stays where the user keeps it
            }

            if (Directory.Exists(path))
            {
                Directory.Move(path, Path.Combine(aside, name));
            }
            else if (File.Exists(path))
            {
                File.Move(path, Path.Combine(aside, name));
            }
        }

        return aside;
    }

    /// <summary>
    /// The path the effective configuration is written to in <paramref name="folder"/>:
    /// <c>config.json</c>, or <c>config.effective.json</c> when <c>config.json</c> is one of <paramref name="inputs"/>.
    /// </summary>
    public static string EffectiveConfigPath(string folder, IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string config = Path.Combine(folder, ConfigFileName);
        return inputs.Any(i => FileIdentity.Same(i, config)) ? Path.Combine(folder, EffectiveConfigFileName) : config;
    }
}
