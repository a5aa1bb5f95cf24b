using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>What to predict and where to write it.</summary>
public sealed record PredictionRequest
{
    /// <summary>The input raster.</summary>
    public required string InputPath { get; init; }

    /// <summary>The model file the predictor was made from, when there is one: an input no output may replace.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Replace outputs that already exist (never an input, whatever this says).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Bands fed to the predictor, 1-based, in its channel order; null = all bands in file order.</summary>
    public IReadOnlyList<int>? Bands { get; init; }

    /// <summary>The class mask to write (GeoTIFF, or COG when <see cref="MaskOptions"/> says so).</summary>
    public required string MaskPath { get; init; }

    /// <summary>Class names and colours; null = <c>class_0..</c> with the default palette.</summary>
    public ClassLegend? Legend { get; init; }

    /// <summary>Tile size, overlap, blend, batch.</summary>
    public StitchOptions Stitch { get; init; } = new();

    /// <summary>Compression and COG.</summary>
    public MaskOutputOptions MaskOptions { get; init; } = new();

    /// <summary>Optional probability raster.</summary>
    public string? ProbabilityPath { get; init; }

    /// <summary>Pixel format of the probability raster.</summary>
    public ProbabilityFormat ProbabilityFormat { get; init; } = ProbabilityFormat.Percent;

    /// <summary>Optional GeoPackage of class polygons.</summary>
    public string? VectorPath { get; init; }

    /// <summary>Polygon filtering and simplification.</summary>
    public PolygonOptions VectorOptions { get; init; } = new();

    /// <summary>
    /// Predict only this shard (K of N, see <see cref="TileShard"/>): the outputs are written under
    /// the shard names of the paths above (<c>mask.shard-K-of-N.tif</c>) with a manifest
    /// (<c>mask.shard-K-of-N.json</c>); <c>adaptseg mosaic</c> joins them. Null predicts the whole raster.
    /// </summary>
    public ShardAssignment? Shard { get; init; }

    /// <summary>The grid the model was trained on; null = predict at the input's pixel size (with a warning).</summary>
    public AdaptSeg.Geo.Models.TrainingGrid? ModelGrid { get; init; }

    /// <summary>
    /// Write a STAC Item beside the mask (<see cref="PredictionStacItem"/>, <c>mask.stac.json</c>), with
    /// the other outputs; not for a shard (its mosaic is the product).
    /// </summary>
    public bool StacItem { get; init; } = true;

    /// <summary>
    /// The input as the user named it, for the Item's <c>derived_from</c> link: the STAC Item it was
    /// read from (whose acquisition time the Item then takes) or the raster; null = <see cref="InputPath"/>.
    /// </summary>
    public string? StacSource { get; init; }

    /// <summary>Whether <see cref="StacSource"/> is a STAC Item.</summary>
    public bool StacSourceIsItem { get; init; }

    /// <summary>
    /// The text of the Item <see cref="StacSource"/> when the caller has read it already (<see cref="Raster.StacItemRaster.TryReadItem"/>),
    /// so it is not fetched again; null: read from <see cref="StacSource"/> when <see cref="StacSourceIsItem"/>.
    /// </summary>
    public string? StacSourceItem { get; init; }

    /// <summary>Write on the input's grid (default) or the model's.</summary>
    public AdaptSeg.Geo.Inference.PredictionGrid Grid { get; init; } = AdaptSeg.Geo.Inference.PredictionGrid.Input;
}
