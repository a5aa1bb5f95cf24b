namespace AdaptSeg.Geo.Config;

/// <summary>What the output-space discriminators see of the network's outputs.</summary>
public enum DiscriminatorInput
{
    /// <summary>The softmax (AdaptSegNet, the default).</summary>
    Softmax,

    /// <summary>The weighted self-information map <c>-p·log2(p+1e-30)/log2(C)</c> (AdvEnt).</summary>
    SelfInformation,

    /// <summary>No discriminators and no adversarial loss.</summary>
    None,
}
