using System.Globalization;

namespace AdaptSeg.Geo.Models.Checkpoints;

/// <summary>
/// What one read of one checkpoint has spent of its <see cref="CheckpointLimits"/>. Every charge happens before
/// the allocation it stands for, and a charge past a limit throws a <see cref="CheckpointException"/> naming the file,
/// the limit, and how to raise it.
/// </summary>
internal sealed class CheckpointBudget(string file, CheckpointLimits limits)
{
    public string File { get; } = file;

    public CheckpointLimits Limits { get; } = limits;

    public long Objects { get; private set; }

    public long Elements { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Charges <paramref name="count"/> decoded values at pickle offset <paramref name="offset"/>.</summary>
    public void ChargeObjects(long count, long offset, bool shared = false)
    {
        Objects = Add(Objects, count);
        if (Objects > Limits.Objects)
        {
            throw Exceeded(
                $"it decodes to more than {Count(Limits.Objects)} values (at pickle offset {offset}{(shared ? ", a shared reference" : "")}), " +
                "counting a shared value as often as it would be copied; this is what a 'billion laughs' file does",
                "objects",
                Limits.Objects);
        }
    }

    /// <summary>Values built so far for the caller (checked apart from the decoding count: a value grown after it was shared is counted here).</summary>
    public long Materialised { get; private set; }

    /// <summary>Charges one value about to be built for the caller, at <paramref name="where"/>.</summary>
    public void ChargeMaterialised(string where)
    {
        Materialised = Add(Materialised, 1);
        if (Materialised > Limits.Objects)
        {
            throw Exceeded(
                $"it holds more than {Count(Limits.Objects)} values once shared references are copied (at '{where}'); " +
                "this is what a 'billion laughs' file does",
                "objects",
                Limits.Objects);
        }
    }

    /// <summary>Charges tensor elements about to be allocated for <paramref name="what"/>.</summary>
    public void ChargeElements(long count, string what)
    {
        Elements = Add(Elements, count);
        if (Elements > Limits.Elements)
        {
            throw Exceeded(
                $"its tensors need more than {Count(Limits.Elements)} elements in total (reached with {what})",
                "elements",
                Limits.Elements);
        }
    }

    /// <summary>Checks that an entry may decompress to <paramref name="declared"/> bytes before reading it.</summary>
    public void CheckEntry(string entry, long declared, long compressed, long fileSize)
    {
        long perEntry = Math.Min(Limits.Bytes, Add(Mul(Limits.Ratio, compressed), CheckpointLimits.RatioSlackBytes));
        if (declared > perEntry)
        {
            throw Exceeded(
                $"the zip entry '{entry}' declares {Count(declared)} bytes uncompressed from {Count(compressed)} compressed, over its budget of " +
                $"{Count(perEntry)} (ratio {Limits.Ratio} plus 1 MiB, at most {Count(Limits.Bytes)} bytes); a 'zip bomb' looks like this",
                Limits.Bytes == perEntry ? "bytes" : "ratio",
                Limits.Bytes == perEntry ? Limits.Bytes : Limits.Ratio);
        }

        long total = Add(Bytes, declared);
        long allowedTotal = Math.Min(Limits.Bytes, Add(Mul(Limits.Ratio, fileSize), CheckpointLimits.RatioSlackBytes));
        if (total > allowedTotal)
        {
            throw Exceeded(
                $"its zip entries decompress to more than {Count(allowedTotal)} bytes in total (ratio {Limits.Ratio} to the file's " +
                $"{Count(fileSize)} bytes, at most {Count(Limits.Bytes)}), reached at entry '{entry}'",
                Limits.Bytes == allowedTotal ? "bytes" : "ratio",
                Limits.Bytes == allowedTotal ? Limits.Bytes : Limits.Ratio);
        }
    }

    /// <summary>Records bytes actually decompressed (checked against the entry's declared size by the caller).</summary>
    public void ChargeBytes(long count) => Bytes = Add(Bytes, count);

    /// <summary>A refusal for an integer literal longer than the digit budget.</summary>
    public CheckpointException IntegerTooLong(string what, long digits, long at) => Exceeded(
        $"{what} at pickle offset {at} has about {Count(digits)} digits, more than {Count(Limits.IntegerDigits)}",
        "digits",
        Limits.IntegerDigits);

    private CheckpointException Exceeded(string problem, string name, long value) => new(
        $"{File}: refused: {problem}. The file is corrupt or malicious; if you trust it, raise the limit with " +
        $"{CheckpointLimits.EnvironmentVariable}=\"{name}=<more than {value.ToString(CultureInfo.InvariantCulture)}>\" " +
        "(see docs/checkpoints.md, Limits).");

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long Mul(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
}
