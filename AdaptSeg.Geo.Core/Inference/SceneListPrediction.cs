using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Predicts many scenes with one predictor (the model is loaded once by the caller): one mask per
/// scene, named by a pattern, in one folder. Scenes whose mask exists are skipped when asked, so a
/// re-run after a failure finishes the rest; a scene that fails is reported and the others still
/// run. With a shard, only scenes i with i mod N = K run (the list is split by scene).
/// </summary>
public static class SceneListPrediction
{
    private static readonly string[] RasterExtensions = [".tif", ".tiff", ".vrt", ".jp2", ".img", ".json"];

    /// <summary>
    /// The scenes named by <paramref name="list"/>: a folder (its rasters, .tif .tiff .vrt .jp2 .img,
    /// sorted by name), a glob (<c>folder/*.tif</c>: * and ? in the file name), or a text file of
    /// paths, one a line (blank lines and lines starting with # ignored; relative paths are relative
    /// to the list's folder; GDAL remote paths such as <c>/vsicurl/https://...</c> are kept as they are).
    /// </summary>
    public static IReadOnlyList<string> ResolveInputs(string list)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(list);
        if (Directory.Exists(list))
        {
            return Checked(list, [.. Directory.EnumerateFiles(list)
                .Where(f => RasterExtensions[..^1].Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)]);
        }

        string name = Path.GetFileName(list);
        if (name.IndexOfAny(['*', '?']) >= 0)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(list))!;
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"SceneListRequest.Inputs '{list}': the folder '{folder}' does not exist.");
            }

            return Checked(list, [.. Directory.EnumerateFiles(folder, name).Order(StringComparer.Ordinal)]);
        }

        var info = new FileInfo(list);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"SceneListRequest.Inputs '{list}' is neither a folder, a glob nor a text file of paths; check the path.", list);
        }

        if (info.Length > 64L << 20)
        {
            throw new InvalidDataException($"SceneListRequest.Inputs '{list}' is {info.Length} bytes; a list of scenes is at most 64 MiB. Is it a raster? Give a text file of paths.");
        }

        string baseFolder = info.DirectoryName!;
        var scenes = new List<string>();
        foreach (string raw in File.ReadLines(list))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.Contains('\0'))
            {
                throw new InvalidDataException($"SceneListRequest.Inputs '{list}' holds binary data; give a text file of paths, one a line.");
            }

            scenes.Add(IsRemote(line) || Path.IsPathRooted(line) ? line : Path.GetFullPath(Path.Combine(baseFolder, line)));
        }

        return Checked(list, scenes);
    }

    /// <summary>Whether GDAL reads <paramref name="path"/> itself (a /vsi path, or a URL), so no local file is expected.</summary>
    public static bool IsRemote(string path) =>
        path.StartsWith("/vsi", StringComparison.Ordinal)
        || path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The mask path of <paramref name="input"/> in <paramref name="folder"/> by <paramref name="pattern"/>.</summary>
    public static string MaskPath(string folder, string pattern, string input)
    {
        if (!pattern.Contains("{name}", StringComparison.Ordinal) || pattern.IndexOfAny(['/', '\\']) >= 0)
        {
            throw new ArgumentException($"SceneListRequest.NamePattern '{pattern}' must contain {{name}} (the scene's file name without extension) and no folder, for example {{name}}_mask.tif.");
        }

        string name = Path.GetFileNameWithoutExtension(input.TrimEnd('/'));
        return Path.Combine(folder, pattern.Replace("{name}", name, StringComparison.Ordinal));
    }

    /// <summary>Runs the scenes in order; each outcome is reported as it happens and returned.</summary>
    public static IReadOnlyList<SceneOutcome> Run(SceneListRequest request, ITilePredictor predictor,
        IProgress<SceneOutcome>? sceneProgress = null, IProgress<StitchProgress>? tileProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(predictor);
        if (!Directory.Exists(request.OutputFolder))
        {
            throw new DirectoryNotFoundException($"The output folder '{request.OutputFolder}' does not exist; create it first.");
        }

        string[] masks = [.. request.Inputs.Select(i => Path.GetFullPath(MaskPath(request.OutputFolder, request.NamePattern, i)))];
        var clashes = masks.Select((m, i) => (m, i)).GroupBy(x => x.m).Where(g => g.Count() > 1).ToList();
        if (clashes.Count > 0)
        {
            throw new ArgumentException("Several scenes would write the same mask: " + string.Join("; ", clashes.Select(g =>
                $"'{g.Key}' from {string.Join(", ", g.Select(x => $"'{request.Inputs[x.i]}'"))}")) + ". Give the scenes distinct file names.");
        }

        // No mask (or its QGIS style) may be an input scene, by file identity; whether an existing
        // mask is replaced is decided per scene below (--skip-existing, --overwrite).
        OutputGuard.Check(
            request.Inputs.Select(i => ("SceneListRequest.Inputs", (string?)i)),
            masks.SelectMany(m => new[] { ("mask", (string?)m), ("QGIS style", (string?)QgisStyle.SidecarPathFor(m)),
                ("STAC Item", request.Template.StacItem ? PredictionStacItem.PathFor(m) : null) }),
            overwrite: true);

        var outcomes = new List<SceneOutcome>();
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            if (request.Shard is { } shard && i % shard.Count != shard.Index)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            string input = request.Inputs[i];
            SceneOutcome outcome;
            if (File.Exists(masks[i]) && request.SkipExisting)
            {
                outcome = new SceneOutcome(i, request.Inputs.Count, input, masks[i], "skipped", null, null);
            }
            else if (File.Exists(masks[i]) && !request.Overwrite)
            {
                outcome = new SceneOutcome(i, request.Inputs.Count, input, masks[i], "failed", $"'{masks[i]}' already exists; allow skipping (SceneListRequest.SkipExisting) or replacing it (SceneListRequest.Overwrite).", null);
            }
            else
            {
                try
                {
                    PredictionSummary summary = RasterPrediction.Run(request.Template with { InputPath = input, MaskPath = masks[i], Overwrite = true }, predictor, tileProgress, cancellationToken); // replacing an existing mask was decided above
                    outcome = new SceneOutcome(i, request.Inputs.Count, input, masks[i], "predicted", null, summary);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcome = new SceneOutcome(i, request.Inputs.Count, input, masks[i], "failed", e.Message, null);
                }
            }

            outcomes.Add(outcome);
            sceneProgress?.Report(outcome);
        }

        return outcomes;
    }

    private static IReadOnlyList<string> Checked(string list, IReadOnlyList<string> scenes) => scenes.Count > 0
        ? scenes
        : throw new FileNotFoundException($"SceneListRequest.Inputs '{list}' names no scene; give a folder of rasters, a glob such as 'scenes/*.tif', or a text file of paths.", list);
}
