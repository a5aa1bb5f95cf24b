using System.Text.RegularExpressions;
using AdaptSeg.Geo.Tests.TestSupport;

namespace AdaptSeg.Geo.Tests.Layout;

/// <summary>
/// Core's messages name library options (<c>Type.Property</c>), not the command line's flags: a program that uses
/// the library has no <c>--output</c>. The CLI shows its flags instead (<c>Cli/Commands/LibraryOptionNames</c>).
/// </summary>
public sealed partial class LibraryMessageTests
{
    /// <summary>Flags of other programs that a message may name (convmv, sbatch, nvidia-smi).</summary>
    private static readonly HashSet<string> OtherTools = ["--notest", "--array", "--query-gpu", "--format"];

    [Fact]
    public void CoreStringLiterals_NameNoCommandLineFlag()
    {
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "AdaptSeg.Geo.Core"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                found.AddRange(Flags(lines[i]).Select(f => $"{Path.GetRelativePath(TestPaths.RepoRoot, file)}:{i + 1}: {f}"));
            }
        }

        Assert.Empty(found);
    }

    [Theory]
    [InlineData("throw new ArgumentException($\"--shard '{text}' is not K/N\");", "--shard")]
    [InlineData("problems.Add(\"it names a folder inside --out\");", "--out")]
    [InlineData("/// <summary>The --overwrite flag's library twin.</summary>", null)]
    [InlineData("throw new X(\"Create it with 'adaptseg prepare --out dir'.\");", null)]
    [InlineData("Run(\"sbatch --array=0-3\");", null)]
    public void Flags_FindFlagsInStringLiteralsOnly(string line, string? flag)
    {
        Assert.Equal(flag is null ? [] : [flag], Flags(line));
    }

    /// <summary>Command-line flags inside the line's string literals, except in comments, in a suggested 'adaptseg ...' command, or another tool's.</summary>
    private static IEnumerable<string> Flags(string line)
    {
        if (line.TrimStart().StartsWith("//", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match literal in StringLiteral().Matches(line))
        {
            foreach (Match flag in Flag().Matches(literal.Value))
            {
                bool suggestedCommand = literal.Value[..flag.Index].Contains("'adaptseg ", StringComparison.Ordinal);
                if (!suggestedCommand && !OtherTools.Contains(flag.Value))
                {
                    yield return flag.Value;
                }
            }
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?<![\\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex Flag();
}
