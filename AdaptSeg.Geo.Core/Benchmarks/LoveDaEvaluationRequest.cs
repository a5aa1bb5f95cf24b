using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Benchmarks;

/// <summary>What <see cref="LoveDaEvaluation.Run"/> scores and writes.</summary>
public sealed record LoveDaEvaluationRequest
{
    /// <summary>A model.pth written by <c>adaptseg train</c> (7 classes, 3 bands: red, green, blue).</summary>
    public required string ModelPath { get; init; }

    /// <summary>The LoveDA folder holding Train/, Val/ and Test/.</summary>
    public required string Root { get; init; }

    /// <summary>The domain scored (the adaptation's target).</summary>
    public required LoveDaDomain Domain { get; init; }

    /// <summary>The split: Val (scored here with its masks; the official code's evaluation) or Test (masks hidden: PNGs for the server).</summary>
    public LoveDaSplit Split { get; init; } = LoveDaSplit.Val;

    /// <summary>
    /// Folder for the per-image predictions (<c>&lt;name&gt;.png</c>, values 0..6, as LoveDA's <c>predict.py</c> writes them),
    /// <c>iou.txt</c>/<c>iou.json</c> for a labelled split, and <c>submission.zip</c> for Test. Null writes no files (Val only).
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "auto";
}
