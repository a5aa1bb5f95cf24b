namespace AdaptSeg.Geo.Config;

/// <summary>A prepare configuration is wrong: every problem found, each with its JSON path.</summary>
public sealed class PrepareConfigException(string? configPath, IReadOnlyList<string> problems)
    : AdaptSegInputException($"{(configPath is null ? "The configuration" : $"'{configPath}'")} has {problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
{
    /// <summary>The config file, or null for options given on the command line.</summary>
    public string? ConfigPath { get; } = configPath;

    /// <summary>Each problem, as "$.json.path: what is wrong and how to fix it".</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
