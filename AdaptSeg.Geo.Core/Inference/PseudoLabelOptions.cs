using AdaptSeg.Geo.Raster;

namespace AdaptSeg.Geo.Inference;

/// <summary>What <see cref="PseudoLabelGeneration.Run"/> labels, with which models, and where it writes.</summary>
public sealed record PseudoLabelOptions
{
    /// <summary>Scenes of at most this many pixels (2^24, about 4096 x 4096) get exact thresholds (8 bytes per pixel: 128 MiB); larger ones the histogram.</summary>
    public const long DefaultExactPixelLimit = 1L << 24;

    /// <summary>One or more model files (<c>model.pth</c>); their softmax probabilities are averaged.</summary>
    public required IReadOnlyList<string> Checkpoints { get; init; }

    /// <summary>The target scene to label.</summary>
    public required string InputPath { get; init; }

    /// <summary>The pseudo-label raster to write (uint8, 255 = ignore).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Input bands fed to the models, 1-based, in their channel order; null = all bands in file order.</summary>
    public IReadOnlyList<int>? Bands { get; init; }

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Tile size (model-grid pixels), overlap, blend, batch: as <c>adaptseg predict</c>.</summary>
    public StitchOptions Stitch { get; init; } = new();

    /// <summary>Write on the input's grid (default) or the model's.</summary>
    public PredictionGrid Grid { get; init; } = PredictionGrid.Input;

    /// <summary>Where in each class's sorted max-probabilities the threshold sits (FDA: 0.66).</summary>
    public double Portion { get; init; } = ClassBalancedThresholds.DefaultPortion;

    /// <summary>The highest threshold any class gets (FDA: 0.9).</summary>
    public double Cap { get; init; } = ClassBalancedThresholds.DefaultCap;

    /// <summary>Output scenes up to this many pixels use the exact thresholds, larger ones the histogram.</summary>
    public long ExactPixelLimit { get; init; } = DefaultExactPixelLimit;

    /// <summary>Force a method; null chooses by <see cref="ExactPixelLimit"/>. Exact on a larger scene is refused.</summary>
    public ThresholdMethod? Method { get; init; }

    /// <summary>Compression of the output.</summary>
    public MaskOutputOptions OutputOptions { get; init; } = new();

    /// <summary>Replace an existing output (never an input).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Throws, naming the option and the fix, for the first problem found.</summary>
    public void Validate()
    {
        if (Checkpoints is null || Checkpoints.Count == 0)
        {
            throw new ArgumentException("Give at least one model (PseudoLabelOptions.Checkpoints: a model.pth).");
        }

        foreach (string checkpoint in Checkpoints)
        {
            if (!File.Exists(checkpoint))
            {
                throw new FileNotFoundException($"The model '{checkpoint}' does not exist; give the model.pth written by 'adaptseg train'.", checkpoint);
            }
        }

        if (!File.Exists(InputPath))
        {
            throw new FileNotFoundException($"The input raster '{InputPath}' does not exist. Check PseudoLabelOptions.InputPath.", InputPath);
        }

        // By file identity (links included), the pseudo-labels and their QGIS style against the
        // scene and every model; an existing output only with Overwrite, never an input.
        Raster.OutputGuard.Check(
            Checkpoints.Select(c => ("PseudoLabelOptions.Checkpoints", (string?)c)).Append(("PseudoLabelOptions.InputPath", InputPath)),
            [("PseudoLabelOptions.OutputPath", OutputPath), ("the QGIS style of PseudoLabelOptions.OutputPath", Raster.QgisStyle.SidecarPathFor(Path.GetFullPath(OutputPath)))],
            Overwrite, "PseudoLabelOptions.Overwrite");

        if (!(Portion >= 0 && Portion <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Portion), Portion, "The portion must lie in [0, 1] (FDA uses 0.66).");
        }

        if (!(Cap > 0 && Cap <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Cap), Cap, "The cap must lie in (0, 1] (FDA uses 0.9).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ExactPixelLimit);
        Stitch.Validate();
        OutputOptions.Validate();
    }
}
