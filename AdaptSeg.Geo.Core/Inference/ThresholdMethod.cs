namespace AdaptSeg.Geo.Inference;

/// <summary>How the per-class quantiles of the pseudo-label thresholds are found.</summary>
public enum ThresholdMethod
{
    /// <summary>Every max-probability is kept and sorted per class: exact, 8 bytes per pixel.</summary>
    Exact,

    /// <summary>
    /// A per-class histogram of 65536 bins over [0, 1]: fixed memory whatever the scene's size,
    /// thresholds within half a bin (7.7e-6) of the exact ones.
    /// </summary>
    Histogram,
}
