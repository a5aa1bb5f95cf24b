using System.Globalization;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// Hard budgets for reading an untrusted checkpoint, each checked before the memory or time it guards is spent.
/// A file within them loads completely; a file beyond one is refused with a <see cref="CheckpointException"/>
/// that names the budget and how to raise it (<see cref="EnvironmentVariable"/>).
/// </summary>
/// <param name="Objects">Pickle values decoded in total, counting a shared value (memo get, <c>DUP</c>, a tensor used twice)
/// as often as it is materialised, nested contents included.</param>
/// <param name="Elements">Tensor elements allocated in total: every storage read plus every tensor copied out of a storage.</param>
/// <param name="Bytes">Decompressed bytes read from a zip checkpoint, per entry and in total.</param>
/// <param name="Ratio">Decompressed bytes may be at most this many times the compressed size (per entry, with 1 MiB of slack,
/// and in total against the file size).</param>
/// <param name="IntegerDigits">Decimal digits of one integer literal (text <c>I</c>/<c>L</c>, or the equivalent bytes of
/// <c>LONG1</c>/<c>LONG4</c>); Python's own default limit for int/str conversion is 4300.</param>
/// <param name="OutputCharacters">Characters <c>adaptseg model info</c> prints before truncating with a note.</param>
public sealed record CheckpointLimits(long Objects, long Elements, long Bytes, long Ratio, int IntegerDigits, int OutputCharacters)
{
    /// <summary>The environment variable that replaces defaults: <c>objects=N,elements=N,bytes=N,ratio=N,digits=N,output=N</c>.</summary>
    public const string EnvironmentVariable = "ADAPTSEG_CHECKPOINT_LIMITS";

    /// <summary>Slack added to each zip entry's ratio budget, so that tiny highly compressible entries (zeros) are read.</summary>
    public const long RatioSlackBytes = 1 << 20;

    /// <summary>The documented defaults (docs/checkpoints.md, "Limits").</summary>
    public static CheckpointLimits Default { get; } = new(
        Objects: 1_000_000,
        Elements: 250_000_000,
        Bytes: 8L << 30,
        Ratio: 100,
        IntegerDigits: 4300,
        OutputCharacters: 65_536);

    /// <summary>The defaults with the values of <see cref="EnvironmentVariable"/> applied, if it is set.</summary>
    /// <exception cref="CheckpointException">The variable is malformed.</exception>
    public static CheckpointLimits FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } text
            ? Default.With(text, EnvironmentVariable)
            : Default;

    /// <summary>These limits with the <c>name=value</c> pairs of <paramref name="text"/> (comma-separated) applied.</summary>
    /// <param name="text">For example <c>objects=5000000,bytes=20000000000</c>.</param>
    /// <param name="source">Where the text came from (an environment variable or an option), for the error message.</param>
    /// <exception cref="CheckpointException">An unknown name, or a value that is not a positive whole number.</exception>
    public CheckpointLimits With(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckpointLimits result = this;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? part : part[..eq].Trim().ToLowerInvariant();
            string value = eq < 0 ? "" : part[(eq + 1)..].Trim().Replace("_", "", StringComparison.Ordinal);
            if (eq < 0 || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0)
            {
                throw Bad(source, text, $"'{part}' is not name=positive-whole-number");
            }

            result = name switch
            {
                "objects" => result with { Objects = n },
                "elements" => result with { Elements = n },
                "bytes" => result with { Bytes = n },
                "ratio" => result with { Ratio = n },
                "digits" => result with { IntegerDigits = (int)Math.Min(n, 100_000_000) },
                "output" => result with { OutputCharacters = (int)Math.Min(n, Array.MaxLength) },
                _ => throw Bad(source, text, $"unknown limit '{name}'"),
            };
        }

        return result;
    }

    /// <summary>The limits as the text <see cref="With"/> reads.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"objects={Objects},elements={Elements},bytes={Bytes},ratio={Ratio},digits={IntegerDigits},output={OutputCharacters}");

    private static CheckpointException Bad(string source, string text, string problem) => new(
        $"{source}='{text}': {problem}. Give comma-separated name=value pairs with names objects, elements, bytes, ratio, digits, output, " +
        $"for example {EnvironmentVariable}=\"objects=5000000,bytes=20000000000\".");
}
