using System.Globalization;
using System.Text.Json;
using AdaptSeg.Geo.Data;

namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>
/// The <c>metadata_props</c> an exported model carries: the keys QGIS's Deepness plugin reads (each
/// value a JSON text, as Deepness parses them with <c>json.loads</c>) and adaptseg's own.
/// </summary>
/// <remarks>
/// Deepness scales every input pixel by 1/255 and then applies <c>(x - standardization_mean) /
/// standardization_std</c>. The network wants <c>(raw - mean) / std</c> with our band statistics on
/// raw values, so the standardisation is written as <c>mean / 255</c> and <c>std / 255</c>:
/// <c>(raw / 255 - mean / 255) / (std / 255) = (raw - mean) / std</c>. The graph itself takes the
/// normalised input, like the TorchSharp network. (Folding the normalisation into the first
/// convolution instead would change the border pixels: its zero padding would then stand for a raw
/// value of 0 instead of the band mean.)
/// <para>
/// Deepness 0.6.5 (<c>common/config_entry_key.py</c>) turns on a probability threshold of 0.5 and a
/// 9-px small-segment filter by default, and <c>map_processor_segmentation.py</c> zeroes every
/// probability below the threshold before its argmax: with three or more classes a pixel whose top
/// probability is under 0.5 would become class 0. <c>seg_thresh</c> 0 and <c>seg_small_segment</c> 0
/// switch both off (its dock widget ticks each box only for a value other than 0), so Deepness takes
/// the same argmax as <c>predict</c>.
/// </para>
/// </remarks>
public static class DeepnessMetadata
{
    public const string ModelType = "model_type";
    public const string ClassNames = "class_names";
    public const string Resolution = "resolution";
    public const string TilesSize = "tiles_size";
    public const string TileSize = "tile_size";
    public const string TilesOverlap = "tiles_overlap";
    public const string SegmentationThreshold = "seg_thresh";
    public const string SmallSegment = "seg_small_segment";
    public const string StandardizationMean = "standardization_mean";
    public const string StandardizationStd = "standardization_std";
    public const string BandMean = "adaptseg_band_mean";
    public const string BandStd = "adaptseg_band_std";
    public const string BandNames = "adaptseg_band_names";
    public const string Statistics = "adaptseg_statistics";
    public const string TrainingGrid = "adaptseg_training_grid";
    public const string Quantization = "adaptseg_quantization";

    /// <summary>
    /// The metadata for a model: <c>model_type</c> "Segmentor", <c>class_names</c> {"0": name, ...}
    /// (with <paramref name="outputCount"/> 2, a list of one such object per output, as Deepness reads
    /// them for a model with several outputs), <c>seg_thresh</c> 0 and <c>seg_small_segment</c> 0,
    /// <c>resolution</c> in cm/px (only when <paramref name="resolutionMetres"/> is known),
    /// <c>tiles_size</c> (as Deepness documents it) and <c>tile_size</c> (as Deepness's code reads it),
    /// <c>tiles_overlap</c> in percent, <c>standardization_mean/std</c> (see the remarks), and
    /// <c>adaptseg_band_mean/std</c> (raw-value statistics), <c>adaptseg_band_names</c>,
    /// <c>adaptseg_statistics</c> ("target" or "source"), and <c>adaptseg_training_grid</c>
    /// (<c>{"crsWkt": ..., "pixelSize": ...}</c>, when the model records it: <c>predict</c> then
    /// resamples the input to it, as with the model.pth).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(
        IReadOnlyList<string> classes, BandStatistics statistics, string statisticsDomain, int tileSize, int overlapPercent,
        double? resolutionMetres = null, IReadOnlyList<string>? bandNames = null, int outputCount = 1, Models.TrainingGrid? trainingGrid = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        if (overlapPercent is < 0 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(overlapPercent), overlapPercent, "The tile overlap is a percentage from 0 to 99.");
        }

        if (statistics.Mean.Length != statistics.Std.Length || statistics.Std.Any(s => !double.IsFinite(s) || s < 0) || statistics.Mean.Any(m => !double.IsFinite(m)))
        {
            throw new ArgumentException("The band statistics need one finite mean and one finite, non-negative std per band.", nameof(statistics));
        }

        // The same floor as the predictors, so a constant band divides alike everywhere.
        double[] std = statistics.FlooredStd();

        var names = classes.Select((name, i) => (i, name)).ToDictionary(c => c.i.ToString(CultureInfo.InvariantCulture), c => c.name);
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(ModelType, JsonSerializer.Serialize("Segmentor")),
            new(ClassNames, outputCount == 1 ? JsonSerializer.Serialize(names) : JsonSerializer.Serialize(Enumerable.Repeat(names, outputCount))),
            new(SegmentationThreshold, "0"),
            new(SmallSegment, "0"),
        };
        if (resolutionMetres is { } metres)
        {
            if (!(metres > 0) || !double.IsFinite(metres))
            {
                throw new ArgumentOutOfRangeException(nameof(resolutionMetres), metres, "The resolution must be a positive number of metres per pixel.");
            }

            metadata.Add(new(Resolution, JsonSerializer.Serialize(metres * 100)));
        }

        metadata.Add(new(TilesSize, JsonSerializer.Serialize(tileSize)));
        metadata.Add(new(TileSize, JsonSerializer.Serialize(tileSize)));
        metadata.Add(new(TilesOverlap, JsonSerializer.Serialize(overlapPercent)));
        metadata.Add(new(StandardizationMean, JsonSerializer.Serialize(statistics.Mean.Select(m => m / 255.0))));
        metadata.Add(new(StandardizationStd, JsonSerializer.Serialize(std.Select(s => s / 255.0))));
        metadata.Add(new(BandMean, JsonSerializer.Serialize(statistics.Mean)));
        metadata.Add(new(BandStd, JsonSerializer.Serialize(std)));
        if (bandNames is not null)
        {
            metadata.Add(new(BandNames, JsonSerializer.Serialize(bandNames)));
        }

        metadata.Add(new(Statistics, JsonSerializer.Serialize(statisticsDomain)));
        if (trainingGrid is not null)
        {
            metadata.Add(new(TrainingGrid, JsonSerializer.Serialize(new { crsWkt = trainingGrid.CrsWkt, pixelSize = trainingGrid.PixelSize })));
        }

        return metadata;
    }
}
