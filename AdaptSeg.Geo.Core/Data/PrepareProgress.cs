namespace AdaptSeg.Geo.Data;

/// <summary>Progress of <c>prepare</c>: the stage ("warp image", "labels", "tiles"), the scene, and the overall fraction 0..1.</summary>
public sealed record PrepareProgress(string Stage, string Scene, double Fraction);
