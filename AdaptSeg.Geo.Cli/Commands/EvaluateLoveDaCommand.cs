using System.CommandLine;
using System.Globalization;
using AdaptSeg.Geo.Benchmarks;
using AdaptSeg.Geo.Config;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg evaluate-loveda</c>: LoveDA's own evaluation of a 7-class model (<see cref="LoveDaEvaluation"/>).</summary>
internal sealed class EvaluateLoveDaCommand
{
    private static readonly Option<string> CheckpointPath = new("--checkpoint")
    {
        Description = "The model.pth written by 'adaptseg train' (a 7-class RGB model, e.g. from sample-configs/loveda-rural-to-urban.json).",
        Required = true,
    };

    private static readonly Option<string> LoveDa = new("--loveda")
    {
        Description = "The LoveDA folder holding Train/, Val/ and Test/ (docs/loveda.md).",
        Required = true,
    };

    private static readonly Option<string> Domain = new("--domain")
    {
        Description = "The domain scored, the adaptation's target: urban (for rural -> urban) or rural.",
        Required = true,
    };

    private static readonly Option<string> Split = new("--split")
    {
        Description = "val: scored here with its masks, as the official code's evaluation. test: masks hidden; writes the 0-6 PNGs and submission.zip for the public evaluation server.",
        DefaultValueFactory = _ => "val",
    };

    private static readonly Option<string?> Out = new("--out")
    {
        Description = "Folder for predictions/<image>.png (values 0-6), iou.txt and iou.json (val), or submission.zip (test). Required for test; without it val writes nothing.",
    };

    public static Command Create()
    {
        var command = new Command(
            "evaluate-loveda",
            "Score a 7-class model on LoveDA as the official UDA code does: whole 1024x1024 images normalised with ImageNet's mean and std, " +
            "the main head upsampled bilinearly (align_corners=True), argmax, one confusion matrix over the split with no-data ignored, IoU per class and mIoU. " +
            "For --split test (masks hidden) it writes the PNGs and the zip the LoveDA evaluation server takes.")
        {
            CheckpointPath, LoveDa, Domain, Split, Out, CommonOptions.Device,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => Run(parse, t), "Cancelled: the PNGs written so far are complete; no IoU table or zip was written.")));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        if (!Enum.TryParse(parse.GetValue(Domain), ignoreCase: true, out LoveDaDomain domain) || !Enum.IsDefined(domain)
            || !Enum.TryParse(parse.GetValue(Split), ignoreCase: true, out LoveDaSplit split) || !Enum.IsDefined(split) || split == LoveDaSplit.Train)
        {
            err.WriteLine($"error: --domain must be rural or urban (got '{parse.GetValue(Domain)}') and --split val or test (got '{parse.GetValue(Split)}').");
            return ExitCodes.BadInput;
        }

        var request = new LoveDaEvaluationRequest
        {
            ModelPath = parse.GetValue(CheckpointPath)!,
            Root = parse.GetValue(LoveDa)!,
            Domain = domain,
            Split = split,
            OutputDirectory = parse.GetValue(Out),
            Device = parse.GetValue(CommonOptions.Device)!,
        };
        err.WriteLine($"Scoring LoveDA {split}/{domain} with {Path.GetFileName(request.ModelPath)}.");
        LoveDaEvaluationResult result;
        using (var progress = new ProgressLine<LoveDaEvaluationProgress>(err, "evaluate-loveda", p => (p.Done, p.Total), "images"))
        {
            result = LoveDaEvaluation.Run(request, progress, cancellationToken);
        }

        TextWriter o = parse.Out();
        if (result.Scores is { } scores)
        {
            o.WriteLine(scores.FormatTable());
        }

        if (result.PredictionDirectory is not null)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {result.Images} prediction PNG(s) (values 0-6) to '{result.PredictionDirectory}'."));
        }

        if (result.SubmissionZip is not null)
        {
            o.WriteLine($"Wrote '{result.SubmissionZip}' for the LoveDA evaluation server (docs/loveda.md says where to submit it).");
        }

        return ExitCodes.Success;
    }
}
