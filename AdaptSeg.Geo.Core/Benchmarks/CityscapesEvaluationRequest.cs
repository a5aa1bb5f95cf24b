namespace AdaptSeg.Geo.Benchmarks;

/// <summary>What <see cref="CityscapesEvaluation.Run"/> scores and where it writes.</summary>
public sealed record CityscapesEvaluationRequest
{
    /// <summary>The model weights (.pth, legacy or zip): the released <c>GTA2Cityscapes_multi-ed35151c.pth</c> or a checkpoint this tool wrote.</summary>
    public required string CheckpointPath { get; init; }

    /// <summary>The Cityscapes folder holding <c>leftImg8bit/</c> and <c>gtFine/</c>.</summary>
    public required string Root { get; init; }

    /// <summary>Image list, one name a line relative to <c>leftImg8bit/&lt;split&gt;</c>; null: every image of the split.</summary>
    public string? ListPath { get; init; }

    /// <summary>The split scored (the paper: val).</summary>
    public string Split { get; init; } = "val";

    /// <summary>ResNet depth of the network: 101 (the paper) or 50.</summary>
    public int Depth { get; init; } = 101;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Batch size, loader threads and the output folder of the PNGs and IoU table.</summary>
    public CityscapesEvaluationOptions Options { get; init; } = new();
}
