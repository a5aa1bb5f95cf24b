namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// Progress of the demo: step <paramref name="Step"/> of <paramref name="Steps"/> (<paramref name="Stage"/>, in words),
/// <paramref name="Done"/> of <paramref name="Total"/> units in it, and a short detail (the scene, the losses).
/// </summary>
public sealed record SampleDemoProgress(int Step, int Steps, string Stage, long Done, long Total, string Detail);
