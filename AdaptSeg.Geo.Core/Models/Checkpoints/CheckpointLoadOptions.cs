namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>How <see cref="CheckpointLoader"/> maps checkpoint keys onto a model's state dict.</summary>
public sealed record CheckpointLoadOptions
{
    /// <summary>The reference's heads: their first dimension is the class count.</summary>
    public static readonly IReadOnlyList<string> DefaultHeadPrefixes = ["layer5.", "layer6."];

    /// <summary>Load everything that matches; re-initialise a head whose class count differs; report the rest.</summary>
    public static CheckpointLoadOptions Default { get; } = new();

    /// <summary>
    /// For the released ImageNet/COCO initialisation (<c>DeepLab_resnet_pretrained_init-f81d91e8.pth</c>):
    /// strip <c>Scale.</c> and skip its 21-class head, as the reference training script does.
    /// </summary>
    public static CheckpointLoadOptions ReferenceInit { get; } = new() { StripPrefix = "Scale." };

    /// <summary>For resuming: every key must be present on both sides with equal shapes.</summary>
    public static CheckpointLoadOptions Exact { get; } = new() { SkipMismatchedHeads = false, Strict = true };

    /// <summary>Removed from the start of checkpoint keys that carry it (e.g. <c>Scale.</c>, <c>module.</c>); null for none.</summary>
    public string? StripPrefix { get; init; }

    /// <summary>
    /// When true, a tensor under one of <see cref="HeadPrefixes"/> whose first dimension (class count) differs from
    /// the model's is skipped with a reason and the model keeps its own initialisation. When false it is an error.
    /// </summary>
    public bool SkipMismatchedHeads { get; init; } = true;

    /// <summary>Key prefixes (after stripping) of the classifier heads.</summary>
    public IReadOnlyList<string> HeadPrefixes { get; init; } = DefaultHeadPrefixes;

    /// <summary>
    /// When true, missing or unexpected keys are an error (like <c>load_state_dict(strict=True)</c>). A missing
    /// BatchNorm <c>num_batches_tracked</c> (checkpoints from before PyTorch 0.4.1) is still only reported, as PyTorch does.
    /// </summary>
    public bool Strict { get; init; }
}
