using System.CommandLine;
using System.Globalization;
using AdaptSeg.Geo.Models.Checkpoints;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary><c>adaptseg model ...</c>: inspect model checkpoints.</summary>
/// <remarks>
/// <c>info</c> describes a checkpoint on its own. Checking it against a model configuration belongs in a
/// further option of <c>info</c> (or a <c>check</c> subcommand) once the network exists: build the model's
/// state-dict names and shapes and call <see cref="CheckpointLoader.Plan"/>, which reports what would load.
/// </remarks>
internal sealed class ModelCommand
{
    private static readonly Argument<FileInfo> CheckpointPath = new("checkpoint")
    {
        Description = "A PyTorch .pth checkpoint (zip format of torch.save since 1.6, or the legacy format of the AdaptSegNet releases).",
    };

    public static Command Create()
    {
        var info = new Command("info", "Describe a checkpoint without loading it into a model: format, tensor and parameter counts, the network it holds, " +
            "the class count from its head shapes, and its metadata. Refuses files that reference Python code (read like torch.load(weights_only=True)). " +
            "Exit 2 when the file is not a readable checkpoint.")
        {
            CheckpointPath,
        };
        info.SetAction(RunInfo);

        return new Command("model", "Inspect model checkpoints (.pth).")
        {
            info,
        };
    }

    private static int RunInfo(ParseResult parse)
    {
        string path = parse.GetValue(CheckpointPath)!.FullName;
        CheckpointSummary summary;
        try
        {
            using Checkpoint checkpoint = CheckpointReader.Read(path);
            summary = CheckpointSummary.Describe(checkpoint);
        }
        catch (CheckpointException e)
        {
            parse.Err().WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        Print(parse.Out(), summary);
        return ExitCodes.Success;
    }

    private static void Print(TextWriter o, CheckpointSummary s)
    {
        o.WriteLine($"file          {s.Path}");
        o.WriteLine($"format        {(s.Format == CheckpointFormat.Zip ? "zip (torch.save, PyTorch 1.6 or later)" : "legacy (torch.save before PyTorch 1.6)")}");
        o.WriteLine($"top level     {s.TopLevelKeys.Count} key(s){(s.StateDictKey is null && s.HasStateDict ? " (the state dict itself)" : ": " + Shorten(string.Join(", ", s.TopLevelKeys)))}");
        if (!s.HasStateDict)
        {
            o.WriteLine($"state dict    none found (looked at the top level and under {string.Join(", ", Checkpoint.StateDictWrapperKeys)})");
        }
        else
        {
            o.WriteLine($"state dict    {(s.StateDictKey is null ? "top level" : $"under '{s.StateDictKey}'")}, {s.StateDictKeyCount} keys");
            if (s.KeyPrefix is not null)
            {
                o.WriteLine($"key prefix    {s.KeyPrefix} (every key carries it; strip it when loading)");
            }

            o.WriteLine($"parameters    {s.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} (elements of floating-point tensors)");
        }

        o.WriteLine($"tensors       {s.TensorCount} in the whole file");
        o.WriteLine($"network       {s.Kind}");
        o.WriteLine($"classes       {(s.NumClasses is { } n ? $"{n} (from {s.ClassesFrom})" : "unknown")}");
        if (s.HeadShapes.Count > 0)
        {
            o.WriteLine("heads");
            foreach (var (key, shape) in s.HeadShapes)
            {
                o.WriteLine($"  {key,-34} [{string.Join(", ", shape)}]");
            }
        }

        if (s.Metadata.Count > 0)
        {
            o.WriteLine("metadata");
            foreach (var (key, value) in s.Metadata)
            {
                o.WriteLine($"  {key} = {value}");
            }
        }
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
