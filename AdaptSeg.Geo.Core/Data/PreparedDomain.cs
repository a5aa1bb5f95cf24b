namespace AdaptSeg.Geo.Data;

/// <summary>A domain (source or target): its scenes and its per-band statistics.</summary>
public sealed record PreparedDomain(string Name, IReadOnlyList<PreparedScene> Scenes, BandStatistics Statistics)
{
    /// <summary>
    /// True for the target domain: its labels, if any, are for evaluation only and must never
    /// be used for training (the target is the unlabelled domain of the adaptation).
    /// </summary>
    public bool LabelsForEvaluationOnly { get; init; }

    /// <summary>The names of the domain's bands in channel order (red, nir, green, ...); null when prepare was given none.</summary>
    public IReadOnlyList<string>? BandNames { get; init; }
}
