// prepare -> train -> predict -> evaluate through the AdaptSeg.Geo library, on the repository's sample data.
// Usage: dotnet run --project samples/LibraryQuickstart -- <repository folder> <output folder> [iterations]
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Training;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: LibraryQuickstart <repository folder> <output folder> [iterations]");
    return 2;
}

string repository = Path.GetFullPath(args[0]);
string output = Path.GetFullPath(args[1]);
int iterations = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;

// 1. Prepare: both scenes onto one grid, labels, band statistics, tile index.
PreparedDataset prepared = DatasetPreparation.Run(new PreparationOptions
{
    Config = PrepareConfigReader.Load(Path.Combine(repository, "sample-configs", "prepare-olinda-to-cbers.json")),
    OutputFolder = Path.Combine(output, "prepared"),
});

// 2. Train: the demo's light network, adapted, for a few iterations (the config is an object: change it in code).
string experimentPath = Path.Combine(repository, "sample-configs", "landcover-demo.json");
ExperimentConfig experiment = JsonConfigReader.Read<ExperimentConfig>(experimentPath);
TrainingRunResult trained = TrainingRun.Execute(new TrainingRunRequest
{
    Config = experiment with { Training = experiment.Training with { Iterations = iterations, CheckpointEvery = iterations, Device = "cpu" } },
    ConfigPath = experimentPath,
    Overrides = new ExperimentOverrides { Prepared = prepared.Folder, Output = Path.Combine(output, "run") },
});

// 3. Predict the target scene with the model (class names, statistics and grid come from model.pth).
PreparedScene target = prepared.Target.Scenes[0];
PredictionSummary predicted = RasterPrediction.Run(
    new PredictionRequest { InputPath = target.ImagePath, MaskPath = Path.Combine(output, "target-mask.tif") },
    trained.ModelPath, new ModelLoadOptions { Device = "cpu" });

// 4. Evaluate against the target's labels (held out from training).
EvaluationReport report = RasterEvaluation.Run(new RasterEvaluationOptions
{
    PredictionPath = predicted.MaskPath,
    ReferencePath = target.LabelPath!,
    ReportPath = Path.Combine(output, "evaluation.json"),
});

Console.WriteLine($"model {trained.ModelPath}");
Console.WriteLine($"mask {predicted.MaskPath} ({predicted.Width}x{predicted.Height})");
Console.Write(report.ToTable());
return 0;
