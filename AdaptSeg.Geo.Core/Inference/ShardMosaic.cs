using System.Globalization;
using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>
/// Joins the shards of a sharded prediction (the entry point of <c>adaptseg mosaic</c>): checks
/// the set (every shard 0..N-1 present once, all from the same input, grid, tiling and classes,
/// rows contiguous and each file of the size its manifest says), builds a VRT over the shard masks
/// with <c>GDALBuildVRT</c> and either keeps it (<c>.vrt</c> output) or copies it into one GeoTIFF
/// or COG. Polygons are traced on the joined mask, so a region cut by a shard border is one polygon.
/// Every output appears under its name only when complete.
/// </summary>
public static class ShardMosaic
{
    /// <summary>Checks and joins the shards of <see cref="MosaicRequest.ShardsOf"/>.</summary>
    public static MosaicSummary Run(MosaicRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.MaskOptions.Validate();
        request.VectorOptions.Validate();
        if (request.VectorPath is { } gpkg && !gpkg.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"MosaicRequest.VectorPath '{gpkg}' must be a GeoPackage file ending in .gpkg.", nameof(request));
        }

        IReadOnlyList<(string Path, ShardManifest Manifest)> shards = Check(request.ShardsOf);
        ShardManifest first = shards[0].Manifest;
        string folder = Path.GetDirectoryName(shards[0].Path)!;
        var legend = ClassLegend.FromNames(first.Classes);

        string[] masks = [.. shards.Select(s => Path.Combine(folder, s.Manifest.Mask))];

        // No output may be one of the shard files it is made from, nor the raster they were predicted from (by
        // file identity, links included), nor another output; an existing output is replaced only with Overwrite.
        var inputs = shards.SelectMany(s => new[] { s.Manifest.Mask, s.Manifest.Probabilities, s.Manifest.Polygons }
                .OfType<string>().Select(f => ("a shard file", (string?)Path.Combine(folder, f))).Append(("a shard manifest", (string?)s.Path)))
            .Append(("the raster the shards were predicted from", first.Input));
        OutputGuard.Check(inputs,
            [("MosaicRequest.OutputPath", request.OutputPath), ("MosaicRequest.ProbabilityPath", request.ProbabilityPath), ("MosaicRequest.VectorPath", request.VectorPath)],
            request.Overwrite, "MosaicRequest.Overwrite");
        Join(masks, request.OutputPath, request.MaskOptions, "MODE", ds => RasterClassStyle.Apply(ds, 1, legend));
        cancellationToken.ThrowIfCancellationRequested();

        string? probabilities = null;
        if (request.ProbabilityPath is not null)
        {
            if (shards.FirstOrDefault(s => s.Manifest.Probabilities is null) is { Path: { } without })
            {
                throw new ShardSetException(request.ShardsOf, [$"'{without}' lists no probability raster; predict the shards with PredictionRequest.ProbabilityPath to mosaic them."]);
            }

            string[] sources = [.. shards.Select(s => Path.Combine(folder, s.Manifest.Probabilities!))];
            Join(sources, request.ProbabilityPath, request.MaskOptions, "AVERAGE", null);
            probabilities = Path.GetFullPath(request.ProbabilityPath);
        }

        string? vectors = null;
        if (request.VectorPath is not null)
        {
            using var pending = new PendingOutput(request.VectorPath);
            ClassPolygonizer.Write(request.OutputPath, pending.TemporaryPath, legend, request.VectorOptions, cancellationToken);
            pending.Commit();
            vectors = pending.FinalPath;
        }

        return new MosaicSummary(Path.GetFullPath(request.OutputPath), probabilities, vectors, shards.Count, first.Width, first.Height);
    }

    /// <summary>
    /// Reads and checks the manifests next to <paramref name="maskPath"/>; returns them in shard
    /// order, or throws <see cref="ShardSetException"/> listing every missing, duplicated or
    /// mismatched shard.
    /// </summary>
    public static IReadOnlyList<(string Path, ShardManifest Manifest)> Check(string maskPath)
    {
        IReadOnlyList<string> paths = ShardFiles.FindManifests(maskPath);
        if (paths.Count == 0)
        {
            throw new ShardSetException(maskPath, [$"no shard manifest ({Path.GetFileNameWithoutExtension(maskPath)}.shard-K-of-N.json) lies in '{Path.GetDirectoryName(Path.GetFullPath(maskPath))}'; run the prediction with PredictionRequest.Shard K/N and PredictionRequest.MaskPath '{maskPath}' first."]);
        }

        var problems = new List<string>();
        var read = new List<(string Path, ShardManifest Manifest)>();
        foreach (string path in paths)
        {
            try
            {
                read.Add((path, ShardManifest.Read(path)));
            }
            catch (InvalidDataException e)
            {
                problems.Add($"unreadable manifest: {e.Message}");
            }
        }

        if (read.Count == 0)
        {
            throw new ShardSetException(maskPath, problems);
        }

        // The reference is the most common shard count, so one stray shard of another run is the one named.
        int count = read.GroupBy(s => s.Manifest.Count).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        ShardManifest reference = read.First(s => s.Manifest.Count == count).Manifest;
        foreach (var (path, m) in read)
        {
            string name = Path.GetFileName(path);
            if (m.Count != count)
            {
                problems.Add($"mismatched: '{name}' is shard {m.Index} of {m.Count}, the others are of {count}");
                continue;
            }

            var differences = Differences(reference, m).ToList();
            if (differences.Count > 0)
            {
                problems.Add($"mismatched: '{name}' differs from shard {reference.Index} in {string.Join(", ", differences)}");
                continue;
            }

            if (m.Index < 0 || m.Index >= m.Count)
            {
                problems.Add($"mismatched: '{name}' claims shard {m.Index}, outside 0..{m.Count - 1}");
                continue;
            }

            var options = new StitchOptions { TileSize = m.TileSize, Overlap = m.Overlap, BatchSize = m.BatchSize };
            TileShard planned = TileShard.Plan(m.Width, m.Height, options, m.Index, m.Count);
            if ((planned.FirstRow, planned.EndRow, planned.FirstTile, planned.EndTile) != (m.FirstRow, m.EndRow, m.FirstTile, m.EndTile))
            {
                problems.Add($"mismatched: '{name}' covers rows {m.FirstRow}..{m.EndRow - 1}, but shard {m.Index} of {m.Count} covers rows {planned.FirstRow}..{planned.EndRow - 1}");
                continue;
            }

            string folder = Path.GetDirectoryName(path)!;
            foreach (string? file in new[] { m.Mask, m.Probabilities })
            {
                if (file is not null)
                {
                    CheckFile(Path.Combine(folder, file), m, name, problems);
                }
            }
        }

        var valid = read.Where(s => s.Manifest.Count == count).ToList();
        foreach (var group in valid.GroupBy(s => s.Manifest.Index).Where(g => g.Count() > 1))
        {
            problems.Add($"duplicated: shard {group.Key} of {count} appears in {string.Join(" and ", group.Select(s => $"'{Path.GetFileName(s.Path)}'"))}");
        }

        var present = valid.Select(s => s.Manifest.Index).ToHashSet();
        var missing = Enumerable.Range(0, count).Where(k => !present.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing: shard(s) {string.Join(", ", missing)} of {count} (no manifest {string.Join(", ", missing.Select(k => $"'{Path.GetFileName(ShardFiles.ManifestPath(maskPath, k, count))}'"))})");
        }

        if (problems.Count > 0)
        {
            throw new ShardSetException(maskPath, problems);
        }

        return [.. valid.OrderBy(s => s.Manifest.Index)];
    }

    private static IEnumerable<string> Differences(ShardManifest a, ShardManifest b)
    {
        if (a.Input != b.Input)
        {
            yield return $"input ('{b.Input}' vs '{a.Input}')";
        }

        if ((a.Width, a.Height) != (b.Width, b.Height))
        {
            yield return $"raster size ({b.Width}x{b.Height} vs {a.Width}x{a.Height})";
        }

        if (!(a.GeoTransform ?? []).SequenceEqual(b.GeoTransform ?? []) || a.Crs != b.Crs)
        {
            yield return "grid (CRS or geotransform)";
        }

        if ((a.TileSize, a.Overlap, a.Blend, a.BatchSize) != (b.TileSize, b.Overlap, b.Blend, b.BatchSize))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"tiling (tile {b.TileSize}, overlap {b.Overlap}, {b.Blend}, batch {b.BatchSize} vs tile {a.TileSize}, overlap {a.Overlap}, {a.Blend}, batch {a.BatchSize})");
        }

        if (!a.Classes.SequenceEqual(b.Classes))
        {
            yield return $"classes ({string.Join(",", b.Classes)} vs {string.Join(",", a.Classes)})";
        }

        if ((a.Probabilities is null) != (b.Probabilities is null))
        {
            yield return "whether probabilities were written";
        }
    }

    private static void CheckFile(string file, ShardManifest m, string name, List<string> problems)
    {
        if (!File.Exists(file))
        {
            problems.Add($"missing: '{Path.GetFileName(file)}' listed by '{name}' does not exist");
            return;
        }

        try
        {
            using var dataset = GdalDataset.Open(file);
            if ((dataset.Width, dataset.Height) != (m.Width, m.EndRow - m.FirstRow))
            {
                problems.Add($"mismatched: '{Path.GetFileName(file)}' is {dataset.Width}x{dataset.Height}, but '{name}' says {m.Width}x{m.EndRow - m.FirstRow}");
            }
        }
        catch (GdalException e)
        {
            problems.Add($"unreadable: '{Path.GetFileName(file)}' listed by '{name}': {e.Message}");
        }
    }

    /// <summary>A VRT over <paramref name="sources"/>, kept as the output (.vrt) or copied into a GeoTIFF/COG.</summary>
    private static void Join(string[] sources, string output, MaskOutputOptions options, string overviewResampling, Action<GdalDataset>? style)
    {
        if (sources.Select(Path.GetFullPath).Contains(Path.GetFullPath(output)))
        {
            throw new ArgumentException($"The mosaic '{output}' would replace one of its shards; choose another name.");
        }

        using var pending = new PendingOutput(output);
        if (output.EndsWith(".vrt", StringComparison.OrdinalIgnoreCase))
        {
            VrtBuilder.Build(pending.TemporaryPath, sources, []);
            if (style is not null)
            {
                using var vrt = GdalDataset.Open(pending.TemporaryPath, update: true);
                style(vrt);
            }
        }
        else
        {
            string joined = $"/vsimem/adaptseg-mosaic-{Guid.NewGuid():N}.vrt";
            try
            {
                VrtBuilder.Build(joined, sources, []);
                using var vrt = GdalDataset.Open(joined);
                if (options.Cog)
                {
                    using GdalDataset cog = vrt.CreateCopy("COG", pending.TemporaryPath, options.CogOptions(overviewResampling));
                    style?.Invoke(cog);
                }
                else
                {
                    using GdalDataset tiff = vrt.CreateCopy("GTiff", pending.TemporaryPath, options.GTiffOptions);
                    style?.Invoke(tiff);
                }
            }
            finally
            {
                Raster.Interop.GdalNative.VSIUnlink(joined);
            }
        }

        pending.Commit();
    }
}
