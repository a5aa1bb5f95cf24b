using System.CommandLine;
using AdaptSeg.Geo.Benchmarks;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>
/// <c>adaptseg evaluate-cityscapes</c>: scores a 19-class DeepLab-v2 multi-level checkpoint on
/// Cityscapes as the reference <c>evaluate_cityscapes.py</c> + <c>compute_iou.py</c>.
/// </summary>
internal sealed class EvaluateCityscapesCommand
{
    private static readonly Option<string> CheckpointPath = new("--checkpoint")
    {
        Description = "The model weights (.pth), e.g. the released GTA2Cityscapes_multi-ed35151c.pth, or a checkpoint this tool wrote. Legacy and zip formats are read.",
        Required = true,
    };

    private static readonly Option<string> Cityscapes = new("--cityscapes")
    {
        Description = "The Cityscapes folder holding leftImg8bit/ and gtFine/.",
        Required = true,
    };

    private static readonly Option<string?> List = new("--list")
    {
        Description = "Image list, one name a line relative to leftImg8bit/<split> (the reference dataset/cityscapes_list/val.txt). Default: every *_leftImg8bit.png of the split.",
    };

    private static readonly Option<string> Split = new("--split")
    {
        Description = "The Cityscapes split to score.",
        DefaultValueFactory = _ => "val",
    };

    private static readonly Option<string> Out = new("--out")
    {
        Description = "Folder for the per-image trainId PNGs, the colour PNGs, iou.txt and iou.json (created if needed).",
        DefaultValueFactory = _ => Path.Combine("result", "cityscapes"),
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Images a forward pass. The scores do not depend on it (eval mode); larger is faster on a GPU with memory to spare.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> Depth = new("--depth")
    {
        Description = "ResNet depth of the network: 101 (the paper) or 50.",
        DefaultValueFactory = _ => 101,
    };

    private static readonly Option<int> Workers = new("--workers")
    {
        Description = "Threads decoding and resizing images.",
        DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount - 1, 1, 8),
    };

    public static Command Create()
    {
        var command = new Command(
            "evaluate-cityscapes",
            "Score a GTA5->Cityscapes model on Cityscapes exactly as the AdaptSegNet reference: images resized to 1024x512 (BGR minus the mean), " +
            "main-head logits upsampled bilinearly (align_corners=True) to 2048x1024, one confusion matrix over all images, IoU and mIoU per class. " +
            "Writes a trainId PNG and a colour PNG per image and the per-class table. The released GTA2Cityscapes_multi-ed35151c.pth gives 42.4 mIoU in the paper.")
        {
            CheckpointPath, Cityscapes, List, Split, Out, CommonOptions.Device, BatchSize, Depth, Workers,
        };
        command.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, t => RunAsync(parse, t).GetAwaiter().GetResult(), "Cancelled: the PNGs written so far are complete; no IoU table was written.")));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        TextWriter err = parse.Err();
        var request = new CityscapesEvaluationRequest
        {
            CheckpointPath = parse.GetValue(CheckpointPath)!,
            Root = parse.GetValue(Cityscapes)!,
            ListPath = parse.GetValue(List),
            Split = parse.GetValue(Split)!,
            Depth = parse.GetValue(Depth),
            Device = parse.GetValue(CommonOptions.Device)!,
            Options = new CityscapesEvaluationOptions
            {
                BatchSize = parse.GetValue(BatchSize),
                LoaderThreads = parse.GetValue(Workers),
                OutputDirectory = parse.GetValue(Out)!,
            },
        };
        var progress = new ProgressLine(err);
        BenchmarkEvaluationResult result = await CityscapesEvaluation.RunAsync(request, progress, note => err.WriteLine($"note: {note}"), cancellationToken);
        progress.Finish();

        TextWriter o = parse.Out();
        await o.WriteLineAsync(result.FormatTable());
        await o.WriteLineAsync($"Wrote the trainId and colour PNGs of {result.ImageCount} image(s), iou.txt and iou.json to '{request.Options.OutputDirectory}'.");
        return ExitCodes.Success;
    }

    /// <summary>Renders evaluation progress as one line on stderr (redrawn on a terminal, every 10% otherwise).</summary>
    private sealed class ProgressLine(TextWriter err) : IProgress<CityscapesEvaluationProgress>
    {
        private readonly bool redraw = !Console.IsErrorRedirected && ReferenceEquals(err, Console.Error);
        private int lastDecile = -1;

        public void Report(CityscapesEvaluationProgress value)
        {
            double share = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            string miou = double.IsNaN(value.RunningMeanIoU) ? "-" : (value.RunningMeanIoU * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            int filled = (int)(share * 30);
            string line = $"[{new string('#', filled)}{new string('.', 30 - filled)}] {value.Done}/{value.Total} images, running mIoU {miou}";
            lock (this)
            {
                if (redraw)
                {
                    err.Write("\r" + line);
                }
                else if ((int)(share * 10) > lastDecile)
                {
                    lastDecile = (int)(share * 10);
                    err.WriteLine(line);
                }
            }
        }

        public void Finish()
        {
            if (redraw)
            {
                err.WriteLine();
            }
        }
    }
}
