using TorchSharp;
using static TorchSharp.torch;

namespace AdaptSeg.Geo.Training;

/// <summary>
/// Entropy maps and losses on segmentation outputs [N,C,H,W], as the reference code defines them
/// (checked against Fixtures/adaptation_addons.json in float64).
/// </summary>
public static class EntropyLosses
{
    private const double Epsilon = 1e-30;

    /// <summary>ADVENT's <c>prob_2_entropy</c>: the weighted self-information <c>-p·log2(p+1e-30)/log2(C)</c>, the AdvEnt discriminator input.</summary>
    public static Tensor SelfInformation(Tensor probabilities)
    {
        // Scalars held for the whole call (see Runtime.NoGcRegion: TorchSharp's implicit ones may be finalised mid-call).
        using Scalar epsilon = Epsilon.ToScalar(), norm = (-1.0 / Math.Log2(probabilities.shape[1])).ToScalar();
        using var scope = NewDisposeScope();
        return (probabilities * probabilities.add(epsilon).log2()).mul(norm).MoveToOuterDisposeScope();
    }

    /// <summary>ADVENT's <c>entropy_loss</c> (MinEnt): <c>-Σ p·log2(p+1e-30) / (n·h·w·log2 C)</c>.</summary>
    public static Tensor MinimumEntropy(Tensor probabilities)
    {
        long[] s = probabilities.shape;
        using Scalar epsilon = Epsilon.ToScalar(), norm = (-1.0 / ((double)s[0] * s[2] * s[3] * Math.Log2(s[1]))).ToScalar();
        using var scope = NewDisposeScope();
        return (probabilities * probabilities.add(epsilon).log2()).sum().mul(norm).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// FDA's robust entropy on logits: per pixel <c>H = -Σ_c p·ln p / ln C</c> (log-softmax), then
    /// <c>mean((H² + 1e-8)^η)</c>. The reference hard-codes ln 19; this uses ln C.
    /// </summary>
    public static Tensor RobustEntropy(Tensor logits, double eta)
    {
        using Scalar norm = (-1.0 / Math.Log(logits.shape[1])).ToScalar(), floor = 1e-8.ToScalar(), exponent = eta.ToScalar();
        using var scope = NewDisposeScope();
        Tensor p = nn.functional.softmax(logits, 1);
        Tensor logP = nn.functional.log_softmax(logits, 1);
        Tensor entropy = (p * logP).sum(1).mul(norm);
        return entropy.square().add(floor).pow(exponent).mean().MoveToOuterDisposeScope();
    }
}
