namespace AdaptSeg.Geo.Config;

/// <summary>Which adversarial loss the discriminators and the adaptation use.</summary>
public enum GanLoss
{
    /// <summary>Binary cross-entropy on logits (the paper's choice).</summary>
    Vanilla,

    /// <summary>Least-squares GAN: mean squared error of the logits against the domain label.</summary>
    LeastSquares,
}
