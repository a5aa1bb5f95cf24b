namespace AdaptSeg.Geo.Config;

/// <summary>A configuration file has problems; <see cref="Problems"/> lists each with its JSON path.</summary>
public sealed class ConfigException(string path, IReadOnlyList<string> problems)
    : AdaptSegInputException($"{path} has {problems.Count} problem(s):" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    /// <summary>The configuration file.</summary>
    public string ConfigPath { get; } = path;

    /// <summary>Each problem, prefixed with its JSON path (e.g. "$.training.learningRate: ...").</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
