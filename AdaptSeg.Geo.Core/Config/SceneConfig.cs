namespace AdaptSeg.Geo.Config;

/// <summary>A scene in the config: an image, its band map, and optional labels.</summary>
public sealed record SceneConfig
{
    /// <summary>Scene name, unique in the dataset (letters, digits, '-', '_', '.'); used for file names.</summary>
    public required string Name { get; init; }

    /// <summary>The image file (GeoTIFF or anything GDAL reads).</summary>
    public required string Image { get; init; }

    /// <summary>File bands (1-based) in channel order, for example [3, 4, 2].</summary>
    public required IReadOnlyList<int> Bands { get; init; }

    /// <summary>Labels: a raster (uint8 class indices, 255 = ignore) or vectors (.gpkg, .geojson, ...).</summary>
    public string? Labels { get; init; }

    /// <summary>
    /// Target scenes only: labels to train on in self-training (pseudo-labels from <c>adaptseg
    /// pseudo-label</c>: a uint8 raster, 255 = ignore), warped onto the grid like <see cref="Labels"/>
    /// (nearest, or mode when shrinking) but kept apart from them: <see cref="Labels"/> of a target
    /// scene only ever score.
    /// </summary>
    public string? TrainingLabels { get; init; }

    /// <summary>For vector labels: the field holding the class index or the class name.</summary>
    public string? LabelField { get; init; }

    /// <summary>For vector labels with several layers: the layer to use.</summary>
    public string? LabelLayer { get; init; }

    /// <summary>CRS for this scene's files if they have none (overrides the dataset-wide assumeCrs).</summary>
    public string? AssumeCrs { get; init; }

    /// <summary>Whether a label file is read as vectors (rasterised) rather than as a raster, by its extension.</summary>
    public static bool IsVectorFile(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() is ".gpkg" or ".geojson" or ".json" or ".shp" or ".fgb" or ".kml" or ".gml";
}
