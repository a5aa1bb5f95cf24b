using System.CommandLine;

namespace AdaptSeg.Geo.Cli.Commands;

/// <summary>Options several verbs share, declared once (an option may belong to many commands).</summary>
internal static class CommonOptions
{
    /// <summary><c>--device</c>, default auto: the verbs that run a network.</summary>
    public static readonly Option<string> Device = new("--device")
    {
        Description = "cpu, cuda, cuda:N or auto (CUDA when it is there, else the CPU).",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary><c>--overwrite</c>: the verbs that write files a user may want replaced.</summary>
    public static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Replace outputs that already exist (otherwise that is an error). An input is never replaced.",
    };
}
