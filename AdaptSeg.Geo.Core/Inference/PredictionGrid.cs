namespace AdaptSeg.Geo.Inference;

/// <summary>Which grid a prediction is written on (it is always computed at the model's pixel size).</summary>
public enum PredictionGrid
{
    /// <summary>
    /// The input's grid (default): the input is resampled to the model's pixel size, probabilities
    /// are blended there, brought back to the input's pixels bilinearly and the argmax taken there.
    /// </summary>
    Input,

    /// <summary>The model's pixel size (and CRS when the units differ): what the network saw, unresampled.</summary>
    Model,
}
