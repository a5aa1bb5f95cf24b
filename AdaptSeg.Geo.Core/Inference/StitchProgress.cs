namespace AdaptSeg.Geo.Inference;

/// <summary>Progress of a sliding-window prediction: tiles predicted and rows written so far.</summary>
public sealed record StitchProgress(int TilesDone, int TileCount, int RowsWritten, int Height);
