namespace AdaptSeg.Geo.Models.Onnx;

/// <summary>How the int8 export chooses each activation tensor's range from the calibration tiles.</summary>
public enum CalibrationMethod
{
    /// <summary>The lowest and highest value seen: nothing is clipped, but one outlier coarsens every step.</summary>
    MinMax,

    /// <summary>
    /// The <see cref="CalibrationOptions.Percentile"/>-th percentile at the top and its mirror at the
    /// bottom of the values seen (a 2,048-bin histogram between the minimum and maximum): the rare
    /// extremes are clipped for finer steps everywhere else.
    /// </summary>
    Percentile,
}
