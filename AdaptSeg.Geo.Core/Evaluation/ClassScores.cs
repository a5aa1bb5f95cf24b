namespace AdaptSeg.Geo.Evaluation;

/// <summary>One class's scores (fractions 0..1; NaN where undefined, for example a class absent from both rasters).</summary>
public sealed record ClassScores(int Value, string Name, double IoU, double Precision, double Recall, double F1, long ReferencePixels, long PredictedPixels);
