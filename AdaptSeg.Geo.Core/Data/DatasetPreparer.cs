using System.Globalization;
using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using NetTopologySuite.Geometries;

namespace AdaptSeg.Geo.Data;

/// <summary>
/// Builds a prepared folder from a <see cref="PrepareConfig"/>: checks every input first, puts each
/// scene on the common grid (imagery float32 in channel order, labels uint8 with 255 = ignore),
/// computes per-domain band statistics and the tile index, and writes <c>prepared.json</c>.
/// Everything is written into a hidden sibling folder that is renamed to the output only when
/// complete; on failure or cancellation it is deleted, and an existing output is left untouched.
/// </summary>
internal sealed partial class DatasetPreparer
{
    private readonly PrepareConfig config;

    public DatasetPreparer(PrepareConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        PrepareConfigReader.ThrowIfInvalid(config);
        this.config = config;
    }

    /// <summary>
    /// The tile windows of the index over a <paramref name="width"/> x <paramref name="height"/> raster:
    /// stride = tile size, no overlap, the last row and column snapped inside the raster (so they
    /// may overlap their neighbour); tiles are min(tile, raster) wide and high.
    /// </summary>
    public static IEnumerable<PixelWindow> TileWindows(int width, int height, int tileSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        int tw = Math.Min(tileSize, width);
        int th = Math.Min(tileSize, height);
        int columns = (width + tileSize - 1) / tileSize;
        int rows = (height + tileSize - 1) / tileSize;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                yield return new PixelWindow(Math.Min(c * tileSize, width - tw), Math.Min(r * tileSize, height - th), tw, th);
            }
        }
    }

    /// <summary>
    /// Prepares into <paramref name="outputFolder"/>. Throws <see cref="PrepareInputException"/> for
    /// bad input (the CLI's exit code 2) and <see cref="OperationCanceledException"/> when cancelled;
    /// in both cases nothing is left behind.
    /// </summary>
    public PreparedDataset Run(string outputFolder, bool overwrite = false, IProgress<PrepareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string output = System.IO.Path.GetFullPath(outputFolder);
        CheckOutput(output, overwrite);
        PartialFiles.RemoveStale(System.IO.Path.GetDirectoryName(output)!, System.IO.Path.GetFileName(output));
        var scenes = Scenes().ToList();
        Guard(() => Inspect(scenes, cancellationToken));

        using SpatialReference gridCrs = Guard(ResolveGridCrs);
        double pixelSize = config.Grid?.PixelSize ?? RoundPixelSize(Guard(() => scenes.Max(s => PixelSize(s, gridCrs))));
        var grid = new OutputGrid(gridCrs.Wkt, pixelSize);
        Geometry? aoi = config.Aoi is null ? null : Guard(() => LoadAoi(config.Aoi, gridCrs, scenes));

        string temp = CreateTemp(output);
        try
        {
            var manifestScenes = new Dictionary<string, List<ManifestScene>> { [config.Source.Name] = [], [config.Target.Name] = [] };
            var accumulators = new Dictionary<string, BandStatisticsAccumulator>();
            var tiles = new List<TileIndexEntry>();
            int step = 0;
            int steps = scenes.Count * 3;
            foreach (PlannedScene scene in scenes)
            {
                string folder = Directory.CreateDirectory(System.IO.Path.Combine(temp, scene.Domain)).FullName;
                string image = System.IO.Path.Combine(folder, $"{scene.Config.Name}.image.tif");
                string? labels = scene.Config.Labels is null ? null : System.IO.Path.Combine(folder, $"{scene.Config.Name}.labels.tif");
                string? assume = scene.Config.AssumeCrs ?? config.AssumeCrs;

                Report(progress, "warp image", scene, step++, steps, 0);
                GridFrame frame = Guard(() => GridWarper.WarpImage(scene.Config.Image, new BandMap(scene.Config.Bands), grid, image, assume,
                    Sub(progress, "warp image", scene, step - 1, steps), cancellationToken), scene.Config.Image);

                string? labelResampling = null;
                Report(progress, "labels", scene, step++, steps, 0);
                if (labels is not null)
                {
                    string labelInput = scene.Config.Labels!;
                    if (SceneConfig.IsVectorFile(labelInput))
                    {
                        labelResampling = "rasterize";
                        Guard(() => VectorLabelRasterizer.Rasterize(labelInput, scene.Config.LabelLayer, scene.Config.LabelField!, config.Classes, frame, labels, assume, cancellationToken));
                    }
                    else
                    {
                        labelResampling = Guard(() => LabelResampling(labelInput, frame, assume));
                        Guard(() =>
                        {
                            GridWarper.WarpLabels(labelInput, frame, labels, assume, Sub(progress, "labels", scene, step - 1, steps), cancellationToken);
                            return 0;
                        }, labelInput);
                    }
                }

                // Training labels (pseudo-labels) of a target scene: warped like labels, kept in their own file.
                string? trainingLabels = null;
                string? trainingLabelResampling = null;
                if (scene.Config.TrainingLabels is string trainingInput)
                {
                    trainingLabels = System.IO.Path.Combine(folder, $"{scene.Config.Name}.training-labels.tif");
                    trainingLabelResampling = Guard(() => LabelResampling(trainingInput, frame, assume));
                    Guard(() => GridWarper.WarpLabels(trainingInput, frame, trainingLabels, assume, null, cancellationToken));
                }

                Report(progress, "tiles", scene, step++, steps, 0);
                if (!accumulators.TryGetValue(scene.Domain, out BandStatisticsAccumulator? accumulator))
                {
                    accumulators[scene.Domain] = accumulator = new BandStatisticsAccumulator(scene.Config.Bands.Count);
                }

                int before = tiles.Count;
                Guard(() =>
                {
                    IndexTiles(scene, image, frame, aoi, accumulator, tiles, cancellationToken);
                    return 0;
                }, scene.Config.Image);
                manifestScenes[scene.Domain].Add(new ManifestScene
                {
                    Name = scene.Config.Name,
                    Image = Relative(temp, image),
                    Labels = labels is null ? null : Relative(temp, labels),
                    Width = frame.Width,
                    Height = frame.Height,
                    GeoTransform = frame.Transform.ToArray(),
                    InputImage = scene.Config.Image,
                    InputBands = scene.Config.Bands,
                    InputLabels = scene.Config.Labels,
                    ImageResampling = Guard(() => ImageResampling(scene, grid, gridCrs, assume)),
                    LabelResampling = labelResampling,
                    TrainingLabels = trainingLabels is null ? null : Relative(temp, trainingLabels),
                    InputTrainingLabels = scene.Config.TrainingLabels,
                    TrainingLabelResampling = trainingLabelResampling,
                    Tiles = tiles.Count - before,
                });
            }

            if (aoi is not null && tiles.Count == 0)
            {
                throw new PrepareInputException($"The AOI '{config.Aoi}' covers no valid pixel of the rasters. Give an AOI that overlaps the imagery.", config.Aoi);
            }

            cancellationToken.ThrowIfCancellationRequested();
            DomainStatistics Stats(DomainConfig d)
            {
                BandStatistics s;
                try
                {
                    s = accumulators[d.Name].ToStatistics($"Domain '{d.Name}' ({string.Join(", ", d.Scenes.Select(x => x.Image))})");
                }
                catch (InvalidOperationException e)
                {
                    throw new PrepareInputException(e.Message, d.Scenes[0].Image, e);
                }

                return new DomainStatistics { Name = d.Name, Mean = s.Mean, Std = s.Std, ValidPixels = s.ValidPixels };
            }
            var statistics = new StatisticsFile
            {
                BandNames = config.BandNamesOf(config.Source),
                Note = "Per-band mean and population standard deviation over valid pixels (every band valid), per domain, in channel order.",
                Source = Stats(config.Source),
                Target = Stats(config.Target),
            };
            File.WriteAllText(System.IO.Path.Combine(temp, PreparedManifest.StatisticsFileName), JsonSerializer.Serialize(statistics, PreparedManifest.Json));
            int? epsg = gridCrs.EpsgCode;
            TileIndexWriter.Write(System.IO.Path.Combine(temp, PreparedManifest.TileIndexFileName), tiles, epsg);

            var manifest = new PreparedManifest
            {
                Format = PreparedManifest.FormatName,
                Version = PreparedManifest.CurrentVersion,
                CreatedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                Classes = config.Classes,
                IgnoreLabel = GridWarper.IgnoreLabel,
                BandCount = config.Source.Scenes[0].Bands.Count,
                BandNames = config.BandNamesOf(config.Source),
                Grid = new ManifestGrid { CrsWkt = grid.CrsWkt, Epsg = epsg, PixelSize = grid.PixelSize },
                TileSize = config.TileSize,
                Statistics = PreparedManifest.StatisticsFileName,
                TileIndex = PreparedManifest.TileIndexFileName,
                Aoi = config.Aoi,
                Source = new ManifestDomain { Name = config.Source.Name, LabelsUse = "training", Scenes = manifestScenes[config.Source.Name], BandNames = config.BandNamesOf(config.Source) },
                Target = new ManifestDomain { Name = config.Target.Name, LabelsUse = "evaluation-only", Scenes = manifestScenes[config.Target.Name], BandNames = config.BandNamesOf(config.Target) },
            };
            File.WriteAllText(System.IO.Path.Combine(temp, PreparedManifest.FileName), JsonSerializer.Serialize(manifest, PreparedManifest.Json));
            progress?.Report(new PrepareProgress("done", "", 1.0));
            cancellationToken.ThrowIfCancellationRequested();
            Commit(temp, output);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return PreparedDataset.Load(output);
    }

    /// <summary>
    /// Rounds a default pixel size to 6 significant digits: GeoTIFFs often store 28.5 m as
    /// 28.49999999927, and a grid should not inherit that noise (6 digits keep sub-millimetre
    /// precision in metres and ~1e-9 degree precision in degrees).
    /// </summary>
    public static double RoundPixelSize(double size)
    {
        if (!(size > 0) || !double.IsFinite(size))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A pixel size must be positive.");
        }

        int digits = 5 - (int)Math.Floor(Math.Log10(size));
        return digits >= 0 ? Math.Round(size, Math.Min(digits, 15)) : Math.Round(size / Math.Pow(10, -digits)) * Math.Pow(10, -digits);
    }

    private IEnumerable<PlannedScene> Scenes() =>
        config.Source.Scenes.Select(s => new PlannedScene(config.Source.Name, s, IsTarget: false))
            .Concat(config.Target.Scenes.Select(s => new PlannedScene(config.Target.Name, s, IsTarget: true)));

    /// <summary>Opens every input before any work: georeferencing, band maps, label values, readable pixels.</summary>
    private void Inspect(List<PlannedScene> scenes, CancellationToken cancellationToken)
    {
        foreach (PlannedScene scene in scenes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? assume = scene.Config.AssumeCrs ?? config.AssumeCrs;
            using (GdalDataset image = GdalDataset.Open(scene.Config.Image))
            {
                using SpatialReference _ = GridWarper.CrsOf(image, assume);
                int missing = scene.Config.Bands.FirstOrDefault(b => b > image.BandCount);
                if (missing != 0)
                {
                    throw new PrepareInputException(
                        $"Band map mismatch: scene '{scene.Config.Name}' ({scene.Domain}) asks for band {missing} of '{scene.Config.Image}', which has {image.BandCount} band(s). Fix its band list ({string.Join(',', scene.Config.Bands)}).",
                        scene.Config.Image);
                }
            }

            if (scene.Config.Labels is string labels && !SceneConfig.IsVectorFile(labels))
            {
                using GdalDataset label = GdalDataset.Open(labels);
                using SpatialReference _ = GridWarper.CrsOf(label, assume);
                LabelValues.Check(label, config.Classes, cancellationToken);
            }

            if (scene.Config.TrainingLabels is string training)
            {
                using GdalDataset label = GdalDataset.Open(training);
                using SpatialReference _ = GridWarper.CrsOf(label, assume);
                LabelValues.Check(label, config.Classes, cancellationToken);
            }
        }
    }

    private SpatialReference ResolveGridCrs()
    {
        if (config.Grid?.Crs is string crs)
        {
            return SpatialReference.FromUserInput(crs);
        }

        SceneConfig first = config.Target.Scenes[0];
        using GdalDataset target = GdalDataset.Open(first.Image);
        return GridWarper.CrsOf(target, first.AssumeCrs ?? config.AssumeCrs);
    }

    private double PixelSize(PlannedScene scene, SpatialReference grid)
    {
        using GdalDataset image = GdalDataset.Open(scene.Config.Image);
        return GridWarper.PixelSizeIn(image, grid, scene.Config.AssumeCrs ?? config.AssumeCrs);
    }

    private string ImageResampling(PlannedScene scene, OutputGrid grid, SpatialReference gridCrs, string? assume)
    {
        using GdalDataset image = GdalDataset.Open(scene.Config.Image);
        return ResamplingRules.ForImagery(grid.PixelSize / GridWarper.PixelSizeIn(image, gridCrs, assume));
    }

    private static string LabelResampling(string labels, GridFrame frame, string? assume)
    {
        using GdalDataset ds = GdalDataset.Open(labels);
        using SpatialReference grid = SpatialReference.FromWkt(frame.CrsWkt);
        return ResamplingRules.ForLabels(Math.Abs(frame.Transform.PixelWidth) / GridWarper.PixelSizeIn(ds, grid, assume));
    }

    private Geometry LoadAoi(string path, SpatialReference grid, List<PlannedScene> scenes)
    {
        Geometry aoi = AreaOfInterest.Load(path).In(grid);
        foreach (PlannedScene scene in scenes)
        {
            using GdalDataset image = GdalDataset.Open(scene.Config.Image);
            using SpatialReference own = GridWarper.CrsOf(image, scene.Config.AssumeCrs ?? config.AssumeCrs);
            if (aoi.Intersects(Footprint(GridFrame.Of(image), own, grid)))
            {
                return aoi;
            }
        }

        throw new PrepareInputException(
            $"The AOI '{path}' does not overlap any of the rasters. Check its coordinates (GeoJSON is longitude/latitude WGS84 unless it names a CRS) or drop the AOI ($.aoi).", path);
    }

    /// <summary>A raster's outline (20 points per edge) reprojected to <paramref name="grid"/>.</summary>
    private static Polygon Footprint(GridFrame frame, SpatialReference own, SpatialReference grid)
    {
        const int n = 20;
        var x = new double[4 * n + 1];
        var y = new double[4 * n + 1];
        for (int i = 0; i < n; i++)
        {
            double f = (double)i / n;
            (x[i], y[i]) = frame.Transform.PixelToWorld(f * frame.Width, 0);
            (x[n + i], y[n + i]) = frame.Transform.PixelToWorld(frame.Width, f * frame.Height);
            (x[2 * n + i], y[2 * n + i]) = frame.Transform.PixelToWorld((1 - f) * frame.Width, frame.Height);
            (x[3 * n + i], y[3 * n + i]) = frame.Transform.PixelToWorld(0, (1 - f) * frame.Height);
        }

        x[4 * n] = x[0];
        y[4 * n] = y[0];
        if (!own.IsSame(grid))
        {
            own.Transform(grid, x, y);
        }

        return new GeometryFactory().CreatePolygon(x.Select((v, i) => new Coordinate(v, y[i])).ToArray());
    }

    private void IndexTiles(PlannedScene scene, string imagePath, GridFrame frame, Geometry? aoi, BandStatisticsAccumulator accumulator,
        List<TileIndexEntry> tiles, CancellationToken cancellationToken)
    {
        using BandReader reader = BandReader.Open(imagePath);
        int t = config.TileSize;
        int tw = Math.Min(t, frame.Width);
        int th = Math.Min(t, frame.Height);
        var data = new float[tw * th * reader.ChannelCount];
        var valid = new bool[tw * th];
        var factory = new GeometryFactory();
        int index = 0;
        int columns = (frame.Width + t - 1) / t;
        foreach (PixelWindow w in TileWindows(frame.Width, frame.Height, t))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Count each pixel once in the statistics: a snapped last tile skips what its neighbour covered.
            int coreX = (index % columns) * t - w.Column;
            int coreY = (index / columns) * t - w.Row;
            index++;
            int count = reader.Read(w, data, valid);
            if (count == 0)
            {
                continue;
            }

            accumulator.Add(data.AsSpan(0, (int)w.Area * reader.ChannelCount), valid.AsSpan(0, (int)w.Area),
                coreX == 0 && coreY == 0 ? null : i => i % w.Width >= coreX && i / w.Width >= coreY);
            (double x0, double y0) = frame.Transform.PixelToWorld(w.Column, w.Row);
            (double x1, double y1) = frame.Transform.PixelToWorld(w.Column + w.Width, w.Row + w.Height);
            Polygon footprint = factory.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
            if (aoi is not null && !aoi.Intersects(footprint))
            {
                continue;
            }

            tiles.Add(new TileIndexEntry(scene.Domain, scene.Config.Name, w.Column, w.Row, w.Width, w.Height, (double)count / w.Area, footprint));
        }
    }

    private void CheckOutput(string output, bool overwrite)
    {
        if (File.Exists(output))
        {
            throw new PrepareInputException($"The output '{output}' is a file. Give a folder path for PreparationOptions.OutputFolder.", output);
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!overwrite)
            {
                throw new PrepareInputException($"The output folder '{output}' already exists and is not empty. Choose a new folder, or allow replacing it (PreparationOptions.Overwrite).", output);
            }

            if (!File.Exists(System.IO.Path.Combine(output, PreparedManifest.FileName)))
            {
                throw new PrepareInputException(
                    $"The output folder '{output}' is not a prepared dataset (it has no {PreparedManifest.FileName}); PreparationOptions.Overwrite only replaces the output of an earlier prepare. " +
                    "Choose a new or empty folder for PreparationOptions.OutputFolder; nothing in this one was changed.", output);
            }
        }

        try
        {
            OutputGuard.CheckFolder(Inputs(), "PreparationOptions.OutputFolder", output);
        }
        catch (UnsafePathException e)
        {
            throw new PrepareInputException(e.Message, e.Path, e);
        }
    }

    /// <summary>Every file the preparation reads, with the JSON path that names it.</summary>
    private IEnumerable<(string Option, string? Path)> Inputs()
    {
        foreach ((DomainConfig domain, string key) in new[] { (config.Source, "source"), (config.Target, "target") })
        {
            for (int i = 0; i < domain.Scenes.Count; i++)
            {
                yield return ($"$.{key}.scenes[{i}].image", domain.Scenes[i].Image);
                yield return ($"$.{key}.scenes[{i}].labels", domain.Scenes[i].Labels);
            }
        }

        yield return ("$.aoi", config.Aoi);
    }

    private static string CreateTemp(string output)
    {
        string parent = System.IO.Path.GetDirectoryName(output)!;
        string temp = PartialFiles.NameFor(parent, System.IO.Path.GetFileName(output));
        try
        {
            Directory.CreateDirectory(temp);
            string probe = System.IO.Path.Combine(temp, ".write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new PrepareInputException($"Cannot write to the output folder '{parent}' ({e.Message}). Choose a folder you can write to for PreparationOptions.OutputFolder.", output, e);
        }
    }

    private static void Commit(string temp, string output)
    {
        if (!Directory.Exists(output))
        {
            Directory.Move(temp, output);
            return;
        }

        // Replace an existing output only now that the new one is complete.
        // Not a partial name: if the process dies between the two moves, this is the user's previous output.
        string backup = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(output)!, $".{System.IO.Path.GetFileName(output)}.previous-{Guid.NewGuid():N}");
        Directory.Move(output, backup);
        try
        {
            Directory.Move(temp, output);
        }
        catch
        {
            Directory.Move(backup, output);
            throw;
        }

        TryDelete(backup);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; the folder's name starts with '.' and ends in .partial-<id>, so it is recognisable.
        }
    }

    private static string Relative(string root, string path) => System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');

    private static void Report(IProgress<PrepareProgress>? progress, string stage, PlannedScene scene, int step, int steps, double within) =>
        progress?.Report(new PrepareProgress(stage, $"{scene.Domain}/{scene.Config.Name}", (step + within) / steps));

    private static IProgress<double>? Sub(IProgress<PrepareProgress>? progress, string stage, PlannedScene scene, int step, int steps) =>
        progress is null ? null : new SynchronousProgress<double>(f => Report(progress, stage, scene, step, steps, f));

    /// <summary>
    /// As <see cref="Guard{T}(Func{T})"/>, and an error about one of GDAL's in-memory files
    /// (<c>/vsimem/…</c>, the virtual rasters the warps read through) names <paramref name="userFile"/> instead.
    /// </summary>
    private static T Guard<T>(Func<T> action, string userFile)
    {
        try
        {
            return Guard(action);
        }
        catch (PrepareInputException e) when (e.Message.Contains("/vsimem/", StringComparison.Ordinal) || e.Path?.StartsWith("/vsimem/", StringComparison.Ordinal) == true)
        {
            string message = VsimemPath().Replace(e.Message, $"'{userFile}'");
            throw new PrepareInputException($"{message} The input '{userFile}' is damaged or unreadable; check it with gdalinfo -checksum.", userFile, e.InnerException);
        }
    }

    /// <summary>Turns the input-related exceptions of GDAL and the raster classes into <see cref="PrepareInputException"/>.</summary>
    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (GdalException e)
        {
            throw new PrepareInputException(e.Message, e.Path, e);
        }
        catch (LabelValueException e)
        {
            throw new PrepareInputException(e.Message, e.Path, e);
        }
        catch (FileNotFoundException e)
        {
            throw new PrepareInputException(e.Message, e.FileName, e);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new PrepareInputException(e.Message, null, e);
        }
    }

    private static void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"'?/vsimem/[^'\s,;:]*'?")]
    private static partial System.Text.RegularExpressions.Regex VsimemPath();

    private sealed record PlannedScene(string Domain, SceneConfig Config, bool IsTarget);
}
