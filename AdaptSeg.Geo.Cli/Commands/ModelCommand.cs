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
        Description = "A PyTorch .pth checkpoint (zip format of torch.save since 1.6, or the legacy format of the AdaptSegNet releases), or a .safetensors file.",
    };

    private static readonly Option<string?> LimitsOption = new("--checkpoint-limits")
    {
        Description = "Raise (or lower) the reading limits for this file, as name=value pairs: objects, elements, bytes, ratio, digits, output " +
            $"(for example objects=5000000,output=1000000). Applied on top of {CheckpointLimits.EnvironmentVariable}; defaults in docs/checkpoints.md.",
    };

    public static Command Create()
    {
        var info = new Command("info", "Describe a checkpoint without loading it into a model: format, tensor and parameter counts, the network it holds, " +
            "the class count from its head shapes, its ResNet backbone (family, depth, band count, keys per module), and its metadata. " +
            "Refuses files that reference Python code (read like torch.load(weights_only=True)). " +
            "Exit 2 when the file is not a readable checkpoint.")
        {
            CheckpointPath,
            LimitsOption,
        };
        info.SetAction((parse, token) => Task.FromResult(CommandErrors.Run(parse, token, _ => RunInfo(parse))));

        return new Command("model", "Inspect model checkpoints (.pth, .safetensors).")
        {
            info,
        };
    }

    private static int RunInfo(ParseResult parse)
    {
        string path = parse.GetValue(CheckpointPath)!.FullName;
        CheckpointSummary summary;
        CheckpointLimits limits = CheckpointLimits.FromEnvironment();
        if (parse.GetValue(LimitsOption) is { } text)
        {
            limits = limits.With(text, "--checkpoint-limits");
        }

        using (Checkpoint checkpoint = CheckpointReader.Read(path, limits))
        {
            summary = CheckpointSummary.Describe(checkpoint);
        }

        var output = new BoundedWriter(parse.Out(), limits.OutputCharacters);
        try
        {
            Print(output, summary);
        }
        catch (OutputFullException)
        {
            parse.Out().WriteLine(
                $"... output truncated at {limits.OutputCharacters} characters; see it all with " +
                $"--checkpoint-limits output=<more> (or {CheckpointLimits.EnvironmentVariable}=\"output=<more>\").");
        }

        return ExitCodes.Success;
    }

    private static void Print(BoundedWriter o, CheckpointSummary s)
    {
        o.WriteLine($"file          {s.Path}");
        o.WriteLine($"format        {s.Format switch
        {
            CheckpointFormat.Zip => "zip (torch.save, PyTorch 1.6 or later)",
            CheckpointFormat.Legacy => "legacy (torch.save before PyTorch 1.6)",
            _ => "safetensors (JSON header and raw tensors)",
        }}");
        o.WriteLine($"top level     {s.TopLevelKeys.Count} key(s){(s.StateDictKey is null && s.HasStateDict ? " (the state dict itself)" : ": " + Shorten(s.TopLevelKeys))}");
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
        PrintBackbone(o, s);
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
                o.WriteLine($"  {Shorten([key])} = {value}");
            }

            if (s.MetadataCount > s.Metadata.Count)
            {
                o.WriteLine($"  ... and {s.MetadataCount - s.Metadata.Count} more entries not shown");
            }
        }
    }

    private static void PrintBackbone(BoundedWriter o, CheckpointSummary s)
    {
        if (s.BackboneProblem is { } problem)
        {
            o.WriteLine($"backbone      not told: {problem}");
            return;
        }

        if (s.Backbone is not { Prefix: { } prefix } b)
        {
            return;
        }

        o.WriteLine($"backbone      {b.Family}{(prefix.Length == 0 ? "" : $"; keys under '{prefix}'")}");
        string blocks = $"blocks [{string.Join(", ", b.BlocksPerStage)}]";
        o.WriteLine($"depth         {(b.Depth is int depth ? $"ResNet-{depth} ({blocks})" : b.BlocksPerStage.All(n => n == 0) ? "unknown (no stage layer1..layer4 in the file)" : $"unknown ({blocks}: a partial or unusual backbone)")}");
        o.WriteLine($"bands         {b.Bands} (input channels of conv1)");
        o.WriteLine($"keys          {b.DescribeKeys()}");
    }

    /// <summary>Keys joined by commas, cut at 200 characters without joining the rest.</summary>
    private static string Shorten(IEnumerable<string> keys)
    {
        var text = new System.Text.StringBuilder();
        foreach (string key in keys)
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(key.Length > 201 ? key[..201] : key);
            if (text.Length > 200)
            {
                return text.ToString(0, 200) + "...";
            }
        }

        return text.ToString();
    }

    /// <summary>Writes lines until a character budget is spent, then throws <see cref="OutputFullException"/>.</summary>
    private sealed class BoundedWriter(TextWriter inner, int maxCharacters)
    {
        private long written;

        public void WriteLine(string line)
        {
            if (written + line.Length + 1 > maxCharacters)
            {
                throw new OutputFullException();
            }

            written += line.Length + 1;
            inner.WriteLine(line);
        }
    }

    private sealed class OutputFullException : Exception
    {
    }
}
