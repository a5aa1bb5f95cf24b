namespace AdaptSeg.Geo.Config;

/// <summary>The entropy term on the target outputs.</summary>
public enum EntropyTerm
{
    /// <summary>No entropy term.</summary>
    None,

    /// <summary>ADVENT's entropy minimisation on both levels (weights 0.0002 aux, 0.001 main).</summary>
    Minent,

    /// <summary>FDA's robust (Charbonnier) entropy on the main level (weight 0.005, η = 2).</summary>
    Robust,
}
