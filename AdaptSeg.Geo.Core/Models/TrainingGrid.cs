namespace AdaptSeg.Geo.Models;

/// <summary>
/// The grid a model was trained on: the prepared dataset's CRS (WKT) and square pixel size in
/// that CRS's units. Prediction resamples inputs to this pixel size by default.
/// </summary>
public sealed record TrainingGrid(string CrsWkt, double PixelSize);
