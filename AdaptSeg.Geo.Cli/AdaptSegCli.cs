using System.CommandLine;
using AdaptSeg.Geo.Cli.Commands;

namespace AdaptSeg.Geo.Cli;

/// <summary>Composes the command tree and runs it with the given writers (tests pass their own).</summary>
public static class AdaptSegCli
{
    /// <summary>The full command tree.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "adaptseg: adapt a semantic-segmentation model from a labelled region to an unlabelled one " +
            "(AdaptSegNet, Tsai et al. CVPR 2018), for GeoTIFF imagery.")
        {
            DoctorCommand.Create(),
            ModelCommand.Create(),
            BenchCommand.Create(),
            PrepareCommand.Create(),
            TrainCommand.Create(),
            DemoCommand.Create(),
            CompareCommand.Create(),
            PredictCommand.Create(),
            MosaicCommand.Create(),
            ExportCommand.Create(),
            PseudoLabelCommand.Create(),
            EvaluateCommand.Create(),
            EvaluateCityscapesCommand.Create(),
            EvaluateLoveDaCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs. Parse errors exit with <see cref="ExitCodes.BadInput"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // A name that was not valid UTF-8 reaches .NET with U+FFFD in place of its bytes: it could not
        // be opened, and an output would be written under another name. Refuse it before any work.
        if (args.FirstOrDefault(a => a.Contains('\uFFFD', StringComparison.Ordinal)) is { } garbled)
        {
            await error.WriteLineAsync(
                $"error: the argument '{garbled}' is not valid UTF-8 (the undecodable bytes show as U+FFFD), so the file it names cannot be named exactly. " +
                "Rename the file or folder to a UTF-8 name (convmv -f latin1 -t utf8 --notest NAME) or run in a UTF-8 locale.");
            return ExitCodes.BadInput;
        }

        RootCommand root = BuildRoot();
        ParseResult parse = root.Parse(args);
        // Ctrl+C / SIGTERM cancel the command's token; the command then has up to a minute to finish
        // cleanly (remove partial outputs, write a training checkpoint) before the process ends.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromMinutes(1) };
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync("Run 'adaptseg --help' (or 'adaptseg <verb> --help') for usage.");
            return ExitCodes.BadInput;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
