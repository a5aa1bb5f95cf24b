namespace AdaptSeg.Geo.Raster;

/// <summary>One class of a mask: its pixel value, name and display colour.</summary>
public sealed record ClassEntry(int Value, string Name, byte Red, byte Green, byte Blue);
