namespace AdaptSeg.Geo.Config;

/// <summary>
/// What adaptation does (<c>training.adaptation</c>); <see cref="AdaptationPresets"/> names the
/// usual combinations. The defaults are AdaptSegNet's: discriminators on the softmax, no entropy
/// term, no Fourier restyling.
/// </summary>
public sealed record AdaptationConfig
{
    /// <summary>softmax (AdaptSegNet), self-information (AdvEnt) or none (no discriminators).</summary>
    public DiscriminatorInput DiscriminatorInput { get; init; } = DiscriminatorInput.Softmax;

    /// <summary>none, minent (ADVENT) or robust (FDA).</summary>
    public EntropyTerm Entropy { get; init; } = EntropyTerm.None;

    /// <summary>First iteration (0-based) with the entropy term; default one third of training.iterations (FDA: 50k of 150k).</summary>
    public int? FromIteration { get; init; }

    /// <summary>Entropy weights [aux, main]; default minent [0.0002, 0.001], robust [0, 0.005].</summary>
    public IReadOnlyList<double>? LambdaEntropy { get; init; }

    /// <summary>Exponent η of the robust entropy (FDA: 2).</summary>
    public double Eta { get; init; } = 2.0;

    /// <summary>Fourier restyling of the source tiles, or null for none.</summary>
    public FdaConfig? Fda { get; init; }

    /// <summary>The entropy weights in force: <see cref="LambdaEntropy"/> or the term's default.</summary>
    public IReadOnlyList<double> EntropyWeights() => LambdaEntropy ?? Entropy switch
    {
        EntropyTerm.Minent => [0.0002, 0.001],
        EntropyTerm.Robust => [0.0, 0.005],
        _ => [0.0, 0.0],
    };

    /// <summary>The first iteration with the entropy term for a run of <paramref name="iterations"/>.</summary>
    public int EntropyStart(int iterations) => FromIteration ?? iterations / 3;
}
