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
            PseudoLabelCommand.Create(),
            EvaluateCommand.Create(),
            EvaluateCityscapesCommand.Create(),
        };
        return root;
    }

    /// <summary>Parses and runs. Parse errors exit with <see cref="ExitCodes.BadInput"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
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
