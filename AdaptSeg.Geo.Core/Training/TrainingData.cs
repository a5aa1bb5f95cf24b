using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Models;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// What an <see cref="IBatchSourceFactory"/> opened: the batches, and what the saved model must record
/// about the data (class names, bands, normalisation, grid).
/// </summary>
/// <param name="Batches">The batches of each iteration.</param>
/// <param name="ClassNames">The data's classes, in label order (the config's must be the same).</param>
/// <param name="ClassesFrom">Where <paramref name="ClassNames"/> come from, for messages ("the prepared data '...'").</param>
/// <param name="Bands">Input bands of every image.</param>
public sealed record TrainingData(IBatchSource Batches, IReadOnlyList<string> ClassNames, string ClassesFrom, int Bands)
{
    /// <summary>The prepared folder, when the data is one; null for a benchmark.</summary>
    public PreparedDataset? Prepared { get; init; }

    /// <summary>Names of the input bands (STAC common names where known), or null.</summary>
    public IReadOnlyList<string>? BandNames { get; init; }

    /// <summary>How source images were normalised, recorded so that predict normalises new rasters the same way.</summary>
    public BandStatistics? SourceStatistics { get; init; }

    /// <summary>How target images were normalised.</summary>
    public BandStatistics? TargetStatistics { get; init; }

    /// <summary>The grid of the training rasters (CRS and pixel size), when they have one.</summary>
    public TrainingGrid? Grid { get; init; }
}
