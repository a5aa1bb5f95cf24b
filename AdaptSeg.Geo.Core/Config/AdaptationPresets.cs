namespace AdaptSeg.Geo.Config;

/// <summary>
/// The named adaptation methods (<c>adaptseg train --method</c>, <c>adaptseg compare</c>). Their
/// values are fixed here, before any run: FDA's β is 0.05 (the middle of the paper's 0.01/0.05/0.09;
/// 0.01 swaps nothing on tiles under 100 px); MinEnt's term is on from the first iteration, as in
/// ADVENT; FDA's robust entropy from a third of the iterations, as in FDA.
/// </summary>
public static class AdaptationPresets
{
    /// <summary>FDA's β in the presets.</summary>
    public const double FdaBeta = 0.05;

    /// <summary>Preset names, in the order compare reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["adaptsegnet", "advent", "minent", "advent+minent", "fda", "fda+adaptsegnet"];

    /// <summary>The adaptation block of a preset.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones).</exception>
    public static AdaptationConfig Get(string name) => name.ToLowerInvariant() switch
    {
        "adaptsegnet" => new AdaptationConfig(),
        "advent" => new AdaptationConfig { DiscriminatorInput = DiscriminatorInput.SelfInformation },
        "minent" => new AdaptationConfig { DiscriminatorInput = DiscriminatorInput.None, Entropy = EntropyTerm.Minent, FromIteration = 0 },
        "advent+minent" => new AdaptationConfig { DiscriminatorInput = DiscriminatorInput.SelfInformation, Entropy = EntropyTerm.Minent, FromIteration = 0 },
        "fda" => new AdaptationConfig { DiscriminatorInput = DiscriminatorInput.None, Entropy = EntropyTerm.Robust, Fda = new FdaConfig { Beta = FdaBeta } },
        "fda+adaptsegnet" => new AdaptationConfig { Entropy = EntropyTerm.Robust, Fda = new FdaConfig { Beta = FdaBeta } },
        _ => throw new ArgumentException($"Unknown adaptation method '{name}'; use one of {string.Join(", ", Names)}."),
    };
}
