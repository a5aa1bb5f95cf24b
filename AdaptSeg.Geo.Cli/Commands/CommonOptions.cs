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
}
