using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AdaptSeg.Geo.Tests.Models.Checkpoints;

/// <summary>
/// One crafted checkpoint per class of hostile or damaged file of issue #10: each name, how to write it, and the
/// exit code and message fragment <c>adaptseg model info</c> must answer with.
/// </summary>
internal static class HostileCheckpoints
{
    public sealed record Case(string Name, Action<string> Write, int ExpectedExit, string ExpectedMessage);

    public static IReadOnlyList<Case> All { get; } =
    [
        new("billion laughs of lists (2^60 when copied)", p => Zip(p, Laughs('l')), 2, "values"),
        new("billion laughs of tuples", p => Zip(p, Laughs('t')), 2, "values"),
        new("billion laughs of dicts", p => Zip(p, Laughs('d')), 2, "values"),
        new("one tensor referenced 1.2 million times", p => Zip(p, SharedTensor(1_200_000), ("s", new byte[4096], false)), 2, "values"),
        new("300 copies of a 1M-element view (300M elements)", p => Zip(p, ViewCopies(300), ("s", new byte[4_000_000], false)), 2, "elements"),
        new("zero-stride view of 2^30 elements", p => Zip(p, OneTensor(4, [1L << 30], [0])), 2, "zero stride"),
        new("sizes whose product overflows", p => Zip(p, OneTensor(4, [1L << 32, 1L << 32, 1L << 32], [1, 1, 1])), 2, "64-bit"),
        new("overlapping view larger than its storage", p => Zip(p, OneTensor(1000, [500, 500], [1, 1])), 2, "must fit in its storage"),
        new("data.pkl deflate bomb (64 MiB)", p => ZipRaw(p, ("data.pkl", PickleBomb(64 << 20), true)), 2, "zip bomb"),
        new("storage deflate bomb (64 MiB of zeros)", p => Zip(p, OneTensor(16 << 20, [16 << 20], [1]), ("0", new byte[64 << 20], true)), 2, "zip bomb"),
        new("entry longer than its declared size", WriteLyingSize, 2, "damaged"),
        new("CRC-32 mismatch in a storage", WriteCrcMismatch, 2, "damaged"),
        new("byteorder entry of 64 MiB", p => ZipRaw(p, ("data.pkl", new PickleBuilder().Op('}').Stop(), false), ("byteorder", new byte[64 << 20], true)), 2, "byteorder"),
        new("big-endian storage shorter than declared", p => Zip(p, OneTensor(1 << 26, [1 << 26], [1]), ("0", new byte[64], false), ("byteorder", "big"u8.ToArray(), false)), 2, "truncated"),
        new("legacy big-endian storage claiming 256 MiB", WriteLegacyHugeStorage, 2, "truncated"),
        new("LONG4 of 10 million bytes", p => Zip(p, HugeLong4(10_000_000)), 2, "digits"),
        new("text LONG of 10 million digits", p => Zip(p, TextInteger('L', 10_000_000, "L")), 2, "digits"),
        new("text INT of 10 million digits", p => Zip(p, TextInteger('I', 10_000_000, "")), 2, "digits"),
        new("malformed FLOAT literal", p => Zip(p, Literal('F', "1.2.3")), 2, "bad float"),
        new("malformed LONG literal", p => Zip(p, Literal('L', "12x3L")), 2, "bad integer"),
        new("malformed STRING escape", p => Zip(p, Literal('S', "'abc\\x4'")), 2, "escape"),
        new("malformed UNICODE escape", p => Zip(p, Literal('V', "abc\\u12")), 2, "escape"),
        new("metadata that renders to 40 MB", p => Zip(p, WideMetadata(100_000)), 0, "output truncated"),
    ];

    /// <summary>A torch.save-like zip: <c>archive/data.pkl</c>, storages under <c>archive/data/</c> (or other members as named), <c>version</c>.</summary>
    public static void Zip(string path, byte[] pickle, params (string Name, byte[] Data, bool Deflate)[] members) =>
        ZipRaw(path, [("data.pkl", pickle, false), .. members.Select(m => (m.Name == "byteorder" ? m.Name : "data/" + m.Name, m.Data, m.Deflate))]);

    public static void ZipRaw(string path, params (string Name, byte[] Data, bool Deflate)[] members)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data, deflate) in members)
        {
            using Stream s = zip.CreateEntry("archive/" + name, deflate ? CompressionLevel.Fastest : CompressionLevel.NoCompression).Open();
            s.Write(data);
        }

        using Stream v = zip.CreateEntry("archive/version", CompressionLevel.NoCompression).Open();
        v.Write("3\n"u8);
    }

    /// <summary>60 levels, each a container holding the previous level twice (memo gets): 2^60 values once copied.</summary>
    private static byte[] Laughs(char kind)
    {
        var p = new PickleBuilder().Op('}').Str("x");
        p.Op(']').Put(0).Op('0');
        for (int i = 1; i <= 60; i++)
        {
            p.Op('(');
            if (kind == 'd')
            {
                p.Str("a").Get(i - 1).Str("b").Get(i - 1).Op('d');
            }
            else
            {
                p.Get(i - 1).Get(i - 1).Op(kind == 'l' ? 'l' : 't');
            }

            p.Put(i);
            if (i < 60)
            {
                p.Op('0');
            }
        }

        return p.Op('s').Stop();
    }

    private static byte[] SharedTensor(int references)
    {
        var p = new PickleBuilder().Op('}').Str("x").Op(']').Op('(');
        p.Tensor("s", 1024, [1000], [1]).Put(0);
        for (int i = 1; i < references; i++)
        {
            p.Get(0);
        }

        return p.Op('e').Op('s').Stop();
    }

    private static byte[] ViewCopies(int copies)
    {
        var p = new PickleBuilder().Op('}');
        p.Str("v0").Tensor("s", 1_000_000, [999_999], [1]).Put(0).Op('s');
        for (int i = 1; i < copies; i++)
        {
            p.Str($"v{i}").Get(0).Op('s');
        }

        return p.Stop();
    }

    private static byte[] OneTensor(long numel, long[] size, long[] stride) =>
        new PickleBuilder().Op('}').Str("w").Tensor("0", numel, size, stride).Op('s').Stop();

    private static byte[] PickleBomb(int bytes)
    {
        var data = new byte[bytes];
        data[0] = 0x80;
        data[1] = 2;
        data[2] = (byte)'(';
        Array.Fill(data, (byte)'N', 3, bytes - 5);
        data[^2] = (byte)'t';
        data[^1] = (byte)'.';
        return data;
    }

    private static byte[] HugeLong4(int length)
    {
        var p = new PickleBuilder().Op('}').Str("x").Op(0x8b).Op(BitConverter.GetBytes(length));
        var digits = new byte[length];
        Array.Fill(digits, (byte)0x5a);
        return p.Op(digits).Op('s').Stop();
    }

    private static byte[] TextInteger(char op, int digits, string suffix) =>
        new PickleBuilder().Op('}').Str("x").Op(op).Text(new string('7', digits) + suffix + "\n").Op('s').Stop();

    private static byte[] Literal(char op, string text) =>
        new PickleBuilder().Op('}').Str("x").Op(op).Text(text + "\n").Op('s').Stop();

    /// <summary>A dict of <paramref name="entries"/> keys, each a list of two shared 200-character strings.</summary>
    private static byte[] WideMetadata(int entries)
    {
        var p = new PickleBuilder().Op('}').Str(new string('m', 200)).Put(0).Op('0');
        for (int i = 0; i < entries; i++)
        {
            p.Str($"k{i}").Op('(').Get(0).Get(0).Op('l').Op('s');
        }

        return p.Stop();
    }

    /// <summary>data.pkl deflated from 64 MiB, its declared size patched to 100 bytes (local header and central directory).</summary>
    private static void WriteLyingSize(string path)
    {
        ZipRaw(path, ("data.pkl", PickleBomb(64 << 20), true));
        byte[] zip = File.ReadAllBytes(path);
        PatchUInt32(zip, [0x50, 0x4b, 0x03, 0x04], 22, 100);
        PatchUInt32(zip, [0x50, 0x4b, 0x01, 0x02], 24, 100);
        File.WriteAllBytes(path, zip);
    }

    private static void PatchUInt32(byte[] zip, byte[] signature, int offset, uint value)
    {
        int at = zip.AsSpan().IndexOf(signature);
        BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at + offset), value);
    }

    /// <summary>A valid checkpoint with one byte of a stored storage changed (its CRC no longer matches).</summary>
    private static void WriteCrcMismatch(string path)
    {
        var data = new byte[4000];
        Array.Fill(data, (byte)0x3f);
        Zip(path, OneTensor(1000, [1000], [1]), ("0", data, false));
        byte[] zip = File.ReadAllBytes(path);
        int at = zip.AsSpan().IndexOf(new byte[] { 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f });
        zip[at + 1000] ^= 0x40;
        File.WriteAllBytes(path, zip);
    }

    /// <summary>A legacy file whose sys_info says big-endian and whose storage claims 2^26 floats but holds 16 bytes.</summary>
    private static void WriteLegacyHugeStorage(string path)
    {
        byte[] header = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.', 0x80, 0x02, (byte)'M', 0xe9, 0x03, (byte)'.'];
        byte[] sysInfo = new PickleBuilder().Op('}').Str("little_endian").Op(0x89).Op('s').Stop();
        var main = new PickleBuilder().Op('}').Str("w").Text("ctorch._utils\n_rebuild_tensor\n").Op('(');
        main.Op('(').Str("storage").Text("ctorch\nFloatStorage\n").Str("0").Str("cpu").Long(1 << 26).Op('N').Op('t').Op('Q');
        main.Long(0).Longs(1 << 26).Longs(1).Op('t').Op('R').Op('s');
        byte[] keys = new PickleBuilder().Op(']').Str("0").Op('a').Stop();
        var count = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(count, 1 << 26);
        File.WriteAllBytes(path, [.. header, .. sysInfo, .. main.Stop(), .. keys, .. count, .. new byte[16]]);
    }

    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}
