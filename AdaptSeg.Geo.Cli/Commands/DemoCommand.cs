using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AdaptSeg.Geo.Config;
using AdaptSeg.Geo.Data;
using AdaptSeg.Geo.Evaluation;
using AdaptSeg.Geo.Experiments;
using AdaptSeg.Geo.Inference;
using AdaptSeg.Geo.Raster;
using AdaptSeg.Geo.Runtime;
using AdaptSeg.Geo.Tiling;
using AdaptSeg.Geo.Training;
using AdaptSeg.Geo.Visualisation;
using SixLabors.ImageSharp.PixelFormats;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg demo</c>: the product's main job on the bundled sample data. Landsat-7 over Olinda
/// (labelled source) and a CBERS-2 scene (unlabelled target): prepare, train source-only, train
/// adapted, predict both on the target, evaluate both against the target's derived labels, and
/// report them side by side with a quicklook PNG.
/// </summary>
internal sealed class DemoCommand
{
    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Output folder (created; a previous demo output is reused, any other non-empty folder is refused).",
        DefaultValueFactory = _ => "demo-output",
    };

    private static readonly Option<int?> Iterations = new("--iterations")
    {
        Description = "Training iterations of each model (default: 300, or 5000 with --full).",
    };

    private static readonly Option<bool> Full = new("--full")
    {
        Description = "The paper's network and learning rate (ResNet-101, width 64, 2.5e-4) on 256-px tiles, batch 4, 5000 iterations: for a GPU.",
    };

    private static readonly Option<string?> Repository = new("--repository")
    {
        Description = "Folder holding sample-data/ and sample-configs/ (default: found from the current folder or the program's).",
    };

    public static Command Create()
    {
        var command = new Command("demo",
            "Run the whole job on the bundled sample data: prepare Landsat-7 (source, labelled) and CBERS-2 (target), train a " +
            "source-only and an adapted model, predict both on the target, evaluate both against the target's derived labels, " +
            "print per-class IoU side by side and write GeoTIFF masks and a quicklook PNG. About 5-10 minutes on 2 CPU cores.")
        {
            Out, CommonOptions.Device, Iterations, Full, Repository,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t))));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter o = parse.Out();
        var options = new SampleDemoOptions
        {
            Repository = SampleData.Find(parse.GetValue(Repository)),
            Output = parse.GetValue(Out)!,
            Device = parse.GetValue(CommonOptions.Device)!,
            Iterations = parse.GetValue(Iterations),
            Full = parse.GetValue(Full),
        };
        SampleDemoResult result;
        using (var renderer = new StepRenderer(o, parse.Err()))
        {
            result = SampleDemo.Run(options, renderer, cancellationToken);
        }

        foreach (var (mode, run) in result.Training)
        {
            TrainingOutcome outcome = run.Outcome;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mode}: {outcome.NextIteration} iterations in {outcome.Elapsed:hh\\:mm\\:ss}, waited for data {outcome.LoaderWaitFraction:P1} of the time; model {run.ModelPath}"));
        }

        if (result.Cancelled)
        {
            o.WriteLine("Stopped during training; the run folders keep their checkpoints.");
            return ExitCodes.Cancelled;
        }

        o.WriteLine();
        o.Write(result.Table);
        o.WriteLine();
        o.WriteLine($"Masks:     {result.MasksFolder}  (GeoTIFF on the target grid, colour table and class names)");
        o.WriteLine($"Quicklook: {result.QuicklookPath}  (image | source-only | adapted | reference)");
        o.WriteLine($"Runs:      {result.RunsFolder}  (log.jsonl, losses.png, checkpoints, model.pth)");
        o.WriteLine($"Wall time: {result.Elapsed:mm\\:ss}");
        return ExitCodes.Success;
    }

    /// <summary>Prints "[k/5] stage" when a step starts and shows the step's progress bar on stderr.</summary>
    private sealed class StepRenderer(TextWriter output, TextWriter error) : IProgress<SampleDemoProgress>, IDisposable
    {
        private string stage = "";
        private ConsoleProgressBar? bar;

        public void Report(SampleDemoProgress value)
        {
            if (value.Stage != stage)
            {
                bar?.Finish();
                stage = value.Stage;
                output.WriteLine($"[{value.Step}/{value.Steps}] {value.Stage}");
                bar = ConsoleProgressBar.ForStandardError(error, $"{value.Stage,-19}"[..19]);
            }

            bar!.Update(value.Done, value.Total, value.Detail);
        }

        public void Dispose() => bar?.Finish();
    }
}
