namespace AdaptSeg.Geo.Experiments;

/// <summary>Where a comparison is: run <paramref name="Run"/> of <paramref name="Runs"/> (row x seed), its stage and the stage's fraction done.</summary>
public sealed record ComparisonProgress(int Run, int Runs, string Row, int Seed, string Stage, double Fraction);
