using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Models.Onnx;

namespace AdaptSeg.Geo.Experiments;

/// <summary>
/// What <see cref="EngineComparison"/> runs: for every seed, train one model with the experiment
/// file's settings, export it as float32 and int8 ONNX, and predict and score the target with each engine.
/// </summary>
public sealed record EngineComparisonOptions
{
    /// <summary>The experiment file (hyperparameters, network, training mode); its data.prepared is replaced by <see cref="Prepared"/>.</summary>
    public required string ExperimentConfig { get; init; }

    /// <summary>The prepared pair; target scenes need evaluation labels (they only score) and calibrate the int8 export (images only).</summary>
    public required string Prepared { get; init; }

    /// <summary>Where runs, models, masks and the reports go (a folder this comparison owns).</summary>
    public required string Output { get; init; }

    /// <summary>Seeds (training.seed of each model).</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>Training iterations (null: the experiment file's).</summary>
    public int? Iterations { get; init; }

    /// <summary>
    /// Keep <c>runs/seed&lt;N&gt;/model.pth</c> of an earlier comparison in the same output folder
    /// instead of training again (the exports, masks and scores are made anew). The caller vouches
    /// that it was trained with the same settings.
    /// </summary>
    public bool ReuseModels { get; init; }

    /// <summary>cpu or auto for training; prediction always runs on the CPU (the engines compared are CPU engines).</summary>
    public string TrainingDevice { get; init; } = "auto";

    /// <summary>How the target scenes are predicted (every engine alike).</summary>
    public StitchOptions Stitch { get; init; } = new() { TileSize = 256, Overlap = 128, BatchSize = 4 };

    /// <summary>How the int8 export is calibrated: one int8 model (and engine row) per entry.</summary>
    public IReadOnlyList<CalibrationOptions> Calibrations { get; init; } = [new()];

    /// <summary>Every problem with the options.</summary>
    public IReadOnlyList<string> Validate()
    {
        var p = new List<string>();
        if (Seeds.Count == 0) p.Add("give at least one seed");
        if (Seeds.Distinct().Count() != Seeds.Count) p.Add("seeds must be distinct");
        if (Iterations is < 1) p.Add($"iterations {Iterations} must be at least 1");
        if (Calibrations.Count == 0) p.Add("give at least one calibration");
        try
        {
            foreach (CalibrationOptions calibration in Calibrations)
            {
                calibration.Validate();
            }

            Stitch.Validate();
        }
        catch (ArgumentException e)
        {
            p.Add(e.Message);
        }

        return p;
    }
}
